package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ipd/ipd/internal/domain"
)

var (
	countryKind    = kind[domain.Country]{name: "country", table: "countries", get: countryGet}
	dataCenterKind = kind[domain.DataCenter]{name: "data_center", table: "data_centers", get: dataCenterGet}
	networkKind    = kind[domain.Network]{name: "network", table: "networks", get: networkGet}
)

// CountryCreate stores a new country and returns it with its ID.
func (s *Store) CountryCreate(ctx context.Context, c domain.Country) (domain.Country, error) {
	id := newID(prefixCountry)
	created, err := createRecorded(ctx, s, countryKind, id, `
		INSERT INTO countries (id, name, iso_code2, iso_code3, time_zone, eu)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		id, c.Name, c.ISOCode2, c.ISOCode3, c.TimeZone, c.EU)
	return created, translate(err, "create country "+c.ISOCode2)
}

// CountryUpdate changes the country id as edit says, under the row's lock
// (see updateRecorded).
func (s *Store) CountryUpdate(
	ctx context.Context, id string, edit func(*domain.Country) error,
) (domain.Country, error) {
	updated, err := updateRecorded(ctx, s, countryKind, id, edit, func(tx *sql.Tx, c domain.Country) error {
		return execFound(ctx, tx, `UPDATE countries SET name = $2, iso_code2 = $3, iso_code3 = $4,
			time_zone = $5, eu = $6 WHERE id = $1`, c.ID, c.Name, c.ISOCode2, c.ISOCode3, c.TimeZone, c.EU)
	})
	return updated, translate(err, "update country "+id)
}

// CountryDelete removes the country id. A country that still has data
// centers is refused with a domain.ConflictError naming one.
func (s *Store) CountryDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := recordDelete(ctx, s, tx, countryKind, id, func(domain.Country) error {
			if err := refuseIfAny(ctx, tx, "country "+id+" still has data center %s",
				`SELECT id FROM data_centers WHERE country_id = $1`, id); err != nil {
				return err
			}
			return execFound(ctx, tx, `DELETE FROM countries WHERE id = $1`, id)
		})
		return err
	})
	return translate(err, "delete country "+id)
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
	c, err := countryGetBy(ctx, s.db, column, value)
	return c, translate(err, "get country by "+key)
}

func countryGet(ctx context.Context, q queryer, id string) (domain.Country, error) {
	return countryGetBy(ctx, q, "id", id)
}

func countryGetBy(ctx context.Context, q queryer, column, value string) (domain.Country, error) {
	return scanCountry(q.QueryRowContext(ctx,
		`SELECT `+countryColumns+` FROM countries c WHERE c.`+column+` = $1`, value))
}

// DataCenterCreate stores a new data center in the country of c.Country.ID.
func (s *Store) DataCenterCreate(ctx context.Context, dc domain.DataCenter) (domain.DataCenter, error) {
	id := newID(prefixDataCenter)
	created, err := createRecorded(ctx, s, dataCenterKind, id, `
		INSERT INTO data_centers (id, name, permalink, country_id) VALUES ($1, $2, $3, $4)`,
		id, dc.Name, dc.Permalink, dc.Country.ID)
	return created, translate(err, "create data center "+dc.Permalink)
}

// DataCenterUpdate changes the name, permalink or country of the data
// center id as edit says.
func (s *Store) DataCenterUpdate(
	ctx context.Context, id string, edit func(*domain.DataCenter) error,
) (domain.DataCenter, error) {
	updated, err := updateRecorded(ctx, s, dataCenterKind, id, edit, func(tx *sql.Tx, dc domain.DataCenter) error {
		return execFound(ctx, tx, `UPDATE data_centers SET name = $2, permalink = $3, country_id = $4
			WHERE id = $1`, dc.ID, dc.Name, dc.Permalink, dc.Country.ID)
	})
	return updated, translate(err, "update data center "+id)
}

// DataCenterDelete removes the data center id. One that still has networks
// or virtual machines is refused with a domain.ConflictError naming one.
func (s *Store) DataCenterDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := recordDelete(ctx, s, tx, dataCenterKind, id, func(domain.DataCenter) error {
			if err := refuseIfAny(ctx, tx, "data center "+id+" still has network %s",
				`SELECT id FROM networks WHERE data_center_id = $1`, id); err != nil {
				return err
			}
			if err := refuseIfAny(ctx, tx, "data center "+id+" still has virtual machine %s",
				`SELECT id FROM virtual_machines WHERE data_center_id = $1`, id); err != nil {
				return err
			}
			return execFound(ctx, tx, `DELETE FROM data_centers WHERE id = $1`, id)
		})
		return err
	})
	return translate(err, "delete data center "+id)
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
	d, err := dataCenterGetBy(ctx, s.db, column, value)
	return d, translate(err, "get data center by "+key)
}

func dataCenterGet(ctx context.Context, q queryer, id string) (domain.DataCenter, error) {
	return dataCenterGetBy(ctx, q, "id", id)
}

func dataCenterGetBy(ctx context.Context, q queryer, column, value string) (domain.DataCenter, error) {
	return scanDataCenter(q.QueryRowContext(ctx,
		`SELECT `+dataCenterColumns+` FROM `+dataCenterJoin+` WHERE d.`+column+` = $1`, value))
}

// NetworkCreate stores a new network in the data center n.DataCenter.ID.
func (s *Store) NetworkCreate(ctx context.Context, n domain.Network) (domain.Network, error) {
	id := newID(prefixNetwork)
	created, err := createRecorded(ctx, s, networkKind, id, `
		INSERT INTO networks (id, name, permalink, data_center_id, is_default)
		VALUES ($1, $2, $3, $4, $5)`,
		id, n.Name, n.Permalink, n.DataCenter.ID, n.Default)
	return created, translate(err, "create network "+n.Permalink)
}

// NetworkUpdate changes the name, permalink or default flag of the
// network id as edit says. A network's data center is fixed, since its
// pools and interfaces are there.
func (s *Store) NetworkUpdate(
	ctx context.Context, id string, edit func(*domain.Network) error,
) (domain.Network, error) {
	updated, err := updateRecorded(ctx, s, networkKind, id, edit, func(tx *sql.Tx, n domain.Network) error {
		return execFound(ctx, tx, `UPDATE networks SET name = $2, permalink = $3, is_default = $4
			WHERE id = $1`, n.ID, n.Name, n.Permalink, n.Default)
	})
	return updated, translate(err, "update network "+id)
}

// NetworkDelete removes the network id. One that still has pools or
// interfaces is refused with a domain.ConflictError naming one.
func (s *Store) NetworkDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := recordDelete(ctx, s, tx, networkKind, id, func(domain.Network) error {
			if err := refuseIfAny(ctx, tx, "network "+id+" still has pool %s",
				`SELECT id FROM pools WHERE network_id = $1`, id); err != nil {
				return err
			}
			if err := refuseIfAny(ctx, tx, "network "+id+" still has interface %s",
				`SELECT id FROM interfaces WHERE network_id = $1`, id); err != nil {
				return err
			}
			return execFound(ctx, tx, `DELETE FROM networks WHERE id = $1`, id)
		})
		return err
	})
	return translate(err, "delete network "+id)
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
	n, err := networkGetBy(ctx, s.db, column, value)
	return n, translate(err, "get network by "+key)
}

func networkGet(ctx context.Context, q queryer, id string) (domain.Network, error) {
	return networkGetBy(ctx, q, "id", id)
}

func networkGetBy(ctx context.Context, q queryer, column, value string) (domain.Network, error) {
	return scanNetwork(q.QueryRowContext(ctx,
		`SELECT `+networkColumns+` FROM `+networkJoin+` WHERE n.`+column+` = $1`, value))
}

// refuseIfAny returns a domain.ConflictError, its message format filled
// with the first ID query selects, when the query selects any row.
func refuseIfAny(ctx context.Context, tx *sql.Tx, format, query string, args ...any) error {
	var id string
	err := tx.QueryRowContext(ctx, query+` ORDER BY id LIMIT 1`, args...).Scan(&id)
	if errNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return &domain.ConflictError{Message: fmt.Sprintf(format, id)}
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
