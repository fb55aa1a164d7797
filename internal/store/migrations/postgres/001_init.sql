-- +goose Up
-- Addresses and free ranges are stored as 16-byte big-endian BYTEAs (IPv4 in
-- its IPv4-mapped form), so that byte order is address order and range
-- queries use the indexes.

CREATE TABLE countries (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    iso_code2 TEXT NOT NULL UNIQUE,
    iso_code3 TEXT NOT NULL UNIQUE,
    time_zone TEXT NOT NULL,
    eu        BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE data_centers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    permalink  TEXT NOT NULL UNIQUE,
    country_id TEXT NOT NULL REFERENCES countries (id)
);

CREATE TABLE networks (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    permalink      TEXT NOT NULL UNIQUE,
    data_center_id TEXT NOT NULL REFERENCES data_centers (id),
    is_default     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE pools (
    id         TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks (id),
    version    INTEGER NOT NULL,
    prefix     TEXT NOT NULL,
    ranges     TEXT NOT NULL DEFAULT '',
    gateway    TEXT NOT NULL DEFAULT '',
    reserved   TEXT NOT NULL DEFAULT '',
    strategy   TEXT NOT NULL,
    reuse      TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    allocated  BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX pools_network ON pools (network_id, version, position, id);

CREATE TABLE pool_free_ranges (
    pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    first   BYTEA NOT NULL,
    last    BYTEA NOT NULL,
    PRIMARY KEY (pool_id, first)
);

CREATE UNIQUE INDEX pool_free_ranges_last ON pool_free_ranges (pool_id, last);

CREATE TABLE pool_returned (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    address BYTEA NOT NULL,
    UNIQUE (pool_id, address)
);

CREATE INDEX pool_returned_order ON pool_returned (pool_id, seq);

CREATE TABLE organizations (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    sub_domain            TEXT NOT NULL UNIQUE,
    infrastructure_domain TEXT NOT NULL,
    created_at            BIGINT NOT NULL
);

CREATE TABLE virtual_machines (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    hostname        TEXT NOT NULL,
    data_center_id  TEXT NOT NULL REFERENCES data_centers (id),
    created_at      BIGINT NOT NULL
);

CREATE INDEX virtual_machines_organization ON virtual_machines (organization_id, created_at, id);

CREATE TABLE interfaces (
    id                 TEXT PRIMARY KEY,
    virtual_machine_id TEXT NOT NULL REFERENCES virtual_machines (id),
    network_id         TEXT NOT NULL REFERENCES networks (id),
    mac_address        TEXT NOT NULL UNIQUE,
    state              TEXT NOT NULL
);

CREATE INDEX interfaces_virtual_machine ON interfaces (virtual_machine_id);

CREATE TABLE ip_addresses (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    network_id      TEXT NOT NULL REFERENCES networks (id),
    pool_id         TEXT NOT NULL REFERENCES pools (id),
    address         TEXT NOT NULL,
    vip             BOOLEAN NOT NULL DEFAULT FALSE,
    label           TEXT NOT NULL DEFAULT '',
    reverse_dns     TEXT NOT NULL DEFAULT '',
    interface_id    TEXT REFERENCES interfaces (id),
    created_at      BIGINT NOT NULL,
    UNIQUE (network_id, address)
);

CREATE INDEX ip_addresses_organization ON ip_addresses (organization_id, created_at, id);
CREATE INDEX ip_addresses_interface ON ip_addresses (interface_id);
CREATE INDEX ip_addresses_address ON ip_addresses (address);

CREATE TABLE api_tokens (
    id                  TEXT PRIMARY KEY,
    organization_id     TEXT NOT NULL REFERENCES organizations (id),
    name                TEXT NOT NULL,
    secret_lookup       TEXT NOT NULL UNIQUE,
    secret_hash         BYTEA NOT NULL,
    scopes              TEXT NOT NULL,
    authorized_networks TEXT NOT NULL DEFAULT '',
    expires_at          BIGINT NOT NULL DEFAULT 0,
    rate_limit          INTEGER NOT NULL,
    created_at          BIGINT NOT NULL
);
