package store

import (
	"context"
	"database/sql"

	"github.com/ipd/ipd/internal/domain"
)

// CountryCreate stores a new country and returns it with its ID.
func (s *Store) CountryCreate(ctx context.Context, c domain.Country) (domain.Country, error) {
	c.ID = newID(prefixCountry)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO countries (id, name, iso_code2, iso_code3, time_zone, eu)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			c.ID, c.Name, c.ISOCode2, c.ISOCode3, c.TimeZone, c.EU)
		return err
	})
	return c, translate(err, "create country "+c.ISOCode2)
}

const countryColumns = `c.id, c.name, c.iso_code2, c.iso_code3, c.time_zone, c.eu`

func scanCountry(row interface{ Scan(...any) error }) (domain.Country, error) {
	var c domain.Country
	err := row.Scan(&c.ID, &c.Name, &c.ISOCode2, &c.ISOCode3, &c.TimeZone, &c.EU)
	return c, err
}

// CountryGetBy returns the country whose column key ("id", "iso_code2" or
// "iso_code3") equals value.
func (s *Store) CountryGetBy(ctx context.Context, key, value string) (domain.Country, error) {
	column, err := lookupColumn(key, "id", "iso_code2", "iso_code3")
	if err != nil {
		return domain.Country{}, err
	}
	row := s.db.QueryRowContext(ctx,
		`SELECT `+countryColumns+` FROM countries c WHERE c.`+column+` = $1`, value)
	c, err := scanCountry(row)
	return c, translate(err, "get country by "+key)
}

// DataCenterCreate stores a new data center in the country of c.Country.ID.
func (s *Store) DataCenterCreate(ctx context.Context, dc domain.DataCenter) (domain.DataCenter, error) {
	dc.ID = newID(prefixDataCenter)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO data_centers (id, name, permalink, country_id) VALUES ($1, $2, $3, $4)`,
			dc.ID, dc.Name, dc.Permalink, dc.Country.ID)
		return err
	})
	if err != nil {
		return domain.DataCenter{}, translate(err, "create data center "+dc.Permalink)
	}
	return s.DataCenterGetBy(ctx, "id", dc.ID)
}

const dataCenterColumns = `d.id, d.name, d.permalink, ` + countryColumns
const dataCenterJoin = `data_centers d JOIN countries c ON c.id = d.country_id`

func scanDataCenter(row interface{ Scan(...any) error }) (domain.DataCenter, error) {
	var d domain.DataCenter
	c := &d.Country
	err := row.Scan(&d.ID, &d.Name, &d.Permalink,
		&c.ID, &c.Name, &c.ISOCode2, &c.ISOCode3, &c.TimeZone, &c.EU)
	return d, err
}

// DataCenterGetBy returns the data center whose key ("id" or "permalink")
// equals value.
func (s *Store) DataCenterGetBy(ctx context.Context, key, value string) (domain.DataCenter, error) {
	column, err := lookupColumn(key, "id", "permalink")
	if err != nil {
		return domain.DataCenter{}, err
	}
	row := s.db.QueryRowContext(ctx,
		`SELECT `+dataCenterColumns+` FROM `+dataCenterJoin+` WHERE d.`+column+` = $1`, value)
	d, err := scanDataCenter(row)
	return d, translate(err, "get data center by "+key)
}

// NetworkCreate stores a new network in the data center n.DataCenter.ID.
func (s *Store) NetworkCreate(ctx context.Context, n domain.Network) (domain.Network, error) {
	n.ID = newID(prefixNetwork)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO networks (id, name, permalink, data_center_id, is_default)
			VALUES ($1, $2, $3, $4, $5)`,
			n.ID, n.Name, n.Permalink, n.DataCenter.ID, n.Default)
		return err
	})
	if err != nil {
		return domain.Network{}, translate(err, "create network "+n.Permalink)
	}
	return s.NetworkGetBy(ctx, "id", n.ID)
}

const networkColumns = `n.id, n.name, n.permalink, n.is_default, ` + dataCenterColumns
const networkJoin = `networks n JOIN data_centers d ON d.id = n.data_center_id
	JOIN countries c ON c.id = d.country_id`

// networkDest returns where the columns of networkColumns scan to.
func networkDest(n *domain.Network) []any {
	d := &n.DataCenter
	c := &d.Country
	return []any{&n.ID, &n.Name, &n.Permalink, &n.Default,
		&d.ID, &d.Name, &d.Permalink,
		&c.ID, &c.Name, &c.ISOCode2, &c.ISOCode3, &c.TimeZone, &c.EU}
}

func scanNetwork(row interface{ Scan(...any) error }) (domain.Network, error) {
	var n domain.Network
	err := row.Scan(networkDest(&n)...)
	return n, err
}

// NetworkGetBy returns the network whose key ("id" or "permalink") equals
// value.
func (s *Store) NetworkGetBy(ctx context.Context, key, value string) (domain.Network, error) {
	column, err := lookupColumn(key, "id", "permalink")
	if err != nil {
		return domain.Network{}, err
	}
	row := s.db.QueryRowContext(ctx,
		`SELECT `+networkColumns+` FROM `+networkJoin+` WHERE n.`+column+` = $1`, value)
	n, err := scanNetwork(row)
	return n, translate(err, "get network by "+key)
}

// CountryList returns a page of the countries, by name, and how many
// there are in all.
func (s *Store) CountryList(ctx context.Context, page domain.Page) ([]domain.Country, int, error) {
	countries, total, err := listPage(ctx, s.db, page, countryColumns, `countries c`, `TRUE`,
		`c.name, c.id`, scanCountry)
	return countries, total, translate(err, "list countries")
}

// DataCenterList returns every data center, by name.
func (s *Store) DataCenterList(ctx context.Context) ([]domain.DataCenter, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+dataCenterColumns+` FROM `+dataCenterJoin+` ORDER BY d.name, d.id`)
	if err != nil {
		return nil, translate(err, "list data centers")
	}
	dcs, err := collect(rows, scanDataCenter)
	return dcs, translate(err, "list data centers")
}

// NetworkList returns every network, by data center name and then by
// network name.
func (s *Store) NetworkList(ctx context.Context) ([]domain.Network, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+networkColumns+` FROM `+networkJoin+` ORDER BY d.name, d.id, n.name, n.id`)
	if err != nil {
		return nil, translate(err, "list networks")
	}
	networks, err := collect(rows, scanNetwork)
	return networks, translate(err, "list networks")
}

// NetworkGetDefault returns the default network of the data center
// dataCenterID. Nothing stops an operator from marking two networks of
// one data center default; the first by name is then the one returned.
func (s *Store) NetworkGetDefault(ctx context.Context, dataCenterID string) (domain.Network, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+networkColumns+` FROM `+networkJoin+`
		WHERE n.data_center_id = $1 AND n.is_default ORDER BY n.name, n.id LIMIT 1`, dataCenterID)
	n, err := scanNetwork(row)
	return n, translate(err, "get default network of "+dataCenterID)
}
