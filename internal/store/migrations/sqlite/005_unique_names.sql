-- +goose Up
-- A virtual machine's FQDN is its hostname in its organization's
-- infrastructure domain, and lookups by FQDN must find one machine: so no
-- two organizations share a domain, and no organization two hostnames.
-- Likewise a machine has one interface on a network, which allocation by
-- network and the inventory's matching rely on.
CREATE UNIQUE INDEX organizations_infrastructure_domain ON organizations (infrastructure_domain);
CREATE UNIQUE INDEX virtual_machines_hostname ON virtual_machines (organization_id, hostname);
CREATE UNIQUE INDEX interfaces_network ON interfaces (virtual_machine_id, network_id);
