package store

import (
	"context"
	"database/sql"

	"github.com/ipd/ipd/internal/domain"
)

var organizationKind = kind[domain.Organization]{name: "organization", table: "organizations", get: organizationGet}

// OrganizationCreate stores a new organization.
func (s *Store) OrganizationCreate(ctx context.Context, o domain.Organization) (domain.Organization, error) {
	id := newID(prefixOrganization)
	created, err := createRecorded(ctx, s, organizationKind, id, `
		INSERT INTO organizations (id, name, sub_domain, infrastructure_domain, created_at)
		VALUES ($1, $2, $3, $4, $5)`,
		id, o.Name, o.SubDomain, o.InfrastructureDomain, unixSeconds(s.now()))
	return created, translate(err, "create organization "+o.SubDomain)
}

// OrganizationUpdate changes the name, sub-domain or infrastructure domain
// of the organization id as edit says.
func (s *Store) OrganizationUpdate(
	ctx context.Context, id string, edit func(*domain.Organization) error,
) (domain.Organization, error) {
	updated, err := updateRecorded(ctx, s, organizationKind, id, edit, func(tx *sql.Tx, o domain.Organization) error {
		return execFound(ctx, tx, `UPDATE organizations SET name = $2, sub_domain = $3,
			infrastructure_domain = $4 WHERE id = $1`, o.ID, o.Name, o.SubDomain, o.InfrastructureDomain)
	})
	return updated, translate(err, "update organization "+id)
}

// OrganizationDelete removes the organization id with everything it owns:
// its addresses go back to their pools, and its virtual machines, their
// interfaces and its API tokens are removed. Every change is recorded in
// the audit log, in the one transaction that makes them all.
//
// It first locks every pool, in the order allocations lock them, so that
// no allocation for the organization is under way while it runs: each
// waits, then finds the organization gone. That holds up allocation
// everywhere for as long as the delete takes, a price an operator's rare
// removal of a customer can pay.
func (s *Store) OrganizationDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := s.lockAllPools(ctx, tx); err != nil {
			return err
		}
		_, err := recordDelete(ctx, s, tx, organizationKind, id, func(domain.Organization) error {
			if err := s.organizationEmpty(ctx, tx, id); err != nil {
				return err
			}
			return execFound(ctx, tx, `DELETE FROM organizations WHERE id = $1`, id)
		})
		return err
	})
	return translate(err, "delete organization "+id)
}

// lockAllPools locks every pool until tx ends, in network order and, within
// a network, in the order allocation tries them (see poolList).
func (s *Store) lockAllPools(ctx context.Context, tx *sql.Tx) error {
	_, err := selectIDs(ctx, tx, `SELECT id FROM pools ORDER BY network_id, version, position, id`+s.dialect.lockRow)
	return err
}

// organizationEmpty removes, in tx, every object the organization id owns.
func (s *Store) organizationEmpty(ctx context.Context, tx *sql.Tx, id string) error {
	if err := s.releaseOrganization(ctx, tx, id); err != nil {
		return err
	}
	vms, err := selectIDs(ctx, tx, `SELECT id FROM virtual_machines WHERE organization_id = $1 ORDER BY id`, id)
	if err != nil {
		return err
	}
	if err := eachStill(vms, func(vmID string) error { return s.virtualMachineRemove(ctx, tx, vmID) }); err != nil {
		return err
	}
	tokens, err := selectIDs(ctx, tx, `SELECT id FROM api_tokens WHERE organization_id = $1 ORDER BY id`, id)
	if err != nil {
		return err
	}
	return eachStill(tokens, func(tokenID string) error { return s.apiTokenRemove(ctx, tx, tokenID) })
}

// OrganizationList returns every organization, by name.
func (s *Store) OrganizationList(ctx context.Context) ([]domain.Organization, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+organizationColumns+` FROM organizations o ORDER BY o.name, o.id`)
	if err != nil {
		return nil, translate(err, "list organizations")
	}
	orgs, err := collect(rows, scanOrganization)
	return orgs, translate(err, "list organizations")
}

const organizationColumns = `o.id, o.name, o.sub_domain, o.infrastructure_domain, o.created_at`

func scanOrganization(row interface{ Scan(...any) error }) (domain.Organization, error) {
	var o domain.Organization
	var created int64
	err := row.Scan(&o.ID, &o.Name, &o.SubDomain, &o.InfrastructureDomain, &created)
	o.CreatedAt = unixTime(created)
	return o, err
}

// OrganizationGetBy returns the organization whose key ("id" or
// "sub_domain") equals value.
func (s *Store) OrganizationGetBy(ctx context.Context, key, value string) (domain.Organization, error) {
	column, err := lookupColumn(key, "id", "sub_domain")
	if err != nil {
		return domain.Organization{}, err
	}
	o, err := organizationGetBy(ctx, s.db, column, value)
	return o, translate(err, "get organization by "+key)
}

func organizationGet(ctx context.Context, q queryer, id string) (domain.Organization, error) {
	return organizationGetBy(ctx, q, "id", id)
}

func organizationGetBy(ctx context.Context, q queryer, column, value string) (domain.Organization, error) {
	return scanOrganization(q.QueryRowContext(ctx,
		`SELECT `+organizationColumns+` FROM organizations o WHERE o.`+column+` = $1`, value))
}
