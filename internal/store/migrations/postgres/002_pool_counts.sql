-- +goose Up
-- pools.allocated counts the pool's address rows. Triggers keep it, so that
-- the count can never drift from the rows and no allocation spends a
-- statement on it while it holds the pool's lock. They run once per
-- statement over its transition table: a row trigger would update the
-- pool row once per address, and a bulk change of n addresses in one
-- transaction would leave n dead versions of that row to walk.

-- +goose StatementBegin
CREATE FUNCTION ip_addresses_count_insert() RETURNS trigger AS $$
BEGIN
    UPDATE pools p SET allocated = p.allocated + n.added
    FROM (SELECT pool_id, COUNT(*) AS added FROM inserted GROUP BY pool_id) n
    WHERE p.id = n.pool_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION ip_addresses_count_delete() RETURNS trigger AS $$
BEGIN
    UPDATE pools p SET allocated = p.allocated - n.removed
    FROM (SELECT pool_id, COUNT(*) AS removed FROM deleted GROUP BY pool_id) n
    WHERE p.id = n.pool_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ip_addresses_count_insert AFTER INSERT ON ip_addresses
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ip_addresses_count_insert();

CREATE TRIGGER ip_addresses_count_delete AFTER DELETE ON ip_addresses
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ip_addresses_count_delete();

UPDATE pools SET allocated = (SELECT COUNT(*) FROM ip_addresses a WHERE a.pool_id = pools.id);
