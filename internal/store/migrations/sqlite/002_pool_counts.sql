-- +goose Up
-- pools.allocated counts the pool's address rows. Triggers keep it, so that
-- the count can never drift from the rows and no allocation spends a
-- statement on it while it holds the pool's lock.

-- +goose StatementBegin
CREATE TRIGGER ip_addresses_count_insert AFTER INSERT ON ip_addresses
BEGIN
    UPDATE pools SET allocated = allocated + 1 WHERE id = NEW.pool_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ip_addresses_count_delete AFTER DELETE ON ip_addresses
BEGIN
    UPDATE pools SET allocated = allocated - 1 WHERE id = OLD.pool_id;
END;
-- +goose StatementEnd

UPDATE pools SET allocated = (SELECT COUNT(*) FROM ip_addresses a WHERE a.pool_id = pools.id);
