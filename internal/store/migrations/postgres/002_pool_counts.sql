-- +goose Up
-- pools.allocated counts the pool's address rows. Triggers keep it, so that
-- the count can never drift from the rows and no allocation spends a
-- statement on it while it holds the pool's lock.

-- +goose StatementBegin
CREATE FUNCTION ip_addresses_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE pools SET allocated = allocated + 1 WHERE id = NEW.pool_id;
    ELSE
        UPDATE pools SET allocated = allocated - 1 WHERE id = OLD.pool_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ip_addresses_count AFTER INSERT OR DELETE ON ip_addresses
    FOR EACH ROW EXECUTE FUNCTION ip_addresses_count();

UPDATE pools SET allocated = (SELECT COUNT(*) FROM ip_addresses a WHERE a.pool_id = pools.id);
