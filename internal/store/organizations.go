package store

import (
	"context"
	"database/sql"

	"github.com/ipd/ipd/internal/domain"
)

// OrganizationCreate stores a new organization.
func (s *Store) OrganizationCreate(ctx context.Context, o domain.Organization) (domain.Organization, error) {
	o.ID = newID(prefixOrganization)
	o.CreatedAt = s.now().UTC().Truncate(1e9)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO organizations (id, name, sub_domain, infrastructure_domain, created_at)
			VALUES ($1, $2, $3, $4, $5)`,
			o.ID, o.Name, o.SubDomain, o.InfrastructureDomain, unixSeconds(o.CreatedAt))
		return err
	})
	return o, translate(err, "create organization "+o.SubDomain)
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
	row := s.db.QueryRowContext(ctx,
		`SELECT `+organizationColumns+` FROM organizations o WHERE o.`+column+` = $1`, value)
	o, err := scanOrganization(row)
	return o, translate(err, "get organization by "+key)
}
