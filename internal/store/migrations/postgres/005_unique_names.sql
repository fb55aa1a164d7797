-- +goose Up
-- A virtual machine's FQDN is its hostname in its organization's
-- infrastructure domain, and lookups by FQDN must find one machine: so no
-- two organizations share a domain, and no organization two hostnames.
CREATE UNIQUE INDEX organizations_infrastructure_domain ON organizations (infrastructure_domain);
CREATE UNIQUE INDEX virtual_machines_hostname ON virtual_machines (organization_id, hostname);
