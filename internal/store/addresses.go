package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

// AddressCreateParams describes a new address.
type AddressCreateParams struct {
	OrganizationID string
	NetworkID      string
	Version        ipam.Version

	// Addr, when valid, asks for this very address instead of the one the
	// pool's strategy picks.
	Addr netip.Addr

	// InterfaceID, when set, allocates the address to that interface in
	// the same transaction.
	InterfaceID string
	VIP         bool
	Label       string
}

// AddressCreate takes a free address of the requested version from the
// network's pools, trying them in order, and stores it in the organization,
// all in one transaction: either the address exists and no longer counts
// as free, or nothing changed.
//
// It returns domain.ErrExhausted when no pool of that version has a free
// address, and, when p.Addr is set, domain.ErrConflict if that address is
// taken and a domain.ValidationError if no pool of the network may hand it
// out. Concurrent calls, from any number of processes sharing the database,
// never return the same address.
func (s *Store) AddressCreate(ctx context.Context, p AddressCreateParams) (domain.Address, error) {
	row := addressRow{id: newID(prefixAddress), params: p, created: unixSeconds(s.now())}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.addressTake(ctx, tx, row)
	})
	if err != nil {
		return domain.Address{}, translate(err, "create address in network "+p.NetworkID)
	}
	return s.AddressGet(ctx, row.id)
}

// addressRow is an address row waiting for its pool and address.
type addressRow struct {
	id      string
	params  AddressCreateParams
	created int64
}

// addressTake takes an address for row and inserts it: the requested
// address, or the first one a pool of the version hands out, trying the
// pools in order.
func (s *Store) addressTake(ctx context.Context, tx *sql.Tx, row addressRow) error {
	pools, err := poolList(ctx, tx, row.params.NetworkID)
	if err != nil {
		return err
	}
	want := row.params.Addr
	for _, pool := range pools {
		switch {
		case pool.Version() != row.params.Version:
			continue
		case want.IsValid() && pool.Allocatable(want):
			return s.poolTakeAddrLocked(ctx, tx, pool.ID, row)
		case want.IsValid():
			continue
		}
		ok, err := s.poolTakeLocked(ctx, tx, pool.ID, row)
		if err != nil || ok {
			return err
		}
	}
	if want.IsValid() {
		return &domain.ValidationError{Messages: []string{
			fmt.Sprintf("%s is not an address any pool of the network may hand out", want),
		}}
	}
	return domain.ErrExhausted
}

// poolTakeLocked locks pool, takes its next free address and inserts row
// with it, and reports false when the pool has none. An address that the
// free space offers but that already has a row (which only a bug or a
// hand-edited database could cause) stays taken out of the free space,
// which is where it belongs, and the next one is tried.
//
// Everything between the lock and the commit is on the critical path of
// every allocation in the pool, so it is kept to a few statements.
func (s *Store) poolTakeLocked(ctx context.Context, tx *sql.Tx, poolID string, row addressRow) (bool, error) {
	pool, err := s.poolLock(ctx, tx, poolID)
	if errNoRows(err) {
		// An operator deleted the pool since it was listed; only an empty
		// pool can be deleted, so it had nothing to give.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for {
		a, ok, err := poolTake(ctx, tx, pool)
		if err != nil || !ok {
			return false, err
		}
		inserted, err := addressInsert(ctx, tx, row, pool, a)
		if err != nil || inserted {
			return inserted, err
		}
	}
}

// poolTakeAddrLocked locks pool, takes the address row asks for from it
// and inserts row, or returns domain.ErrConflict when that address is
// not free.
func (s *Store) poolTakeAddrLocked(ctx context.Context, tx *sql.Tx, poolID string, row addressRow) error {
	pool, err := s.poolLock(ctx, tx, poolID)
	if err != nil {
		return err
	}
	a := row.params.Addr
	free, err := poolTakeAddr(ctx, tx, pool, a)
	if err != nil {
		return err
	}
	if free {
		free, err = addressInsert(ctx, tx, row, pool, a)
	}
	if err != nil {
		return err
	}
	if !free {
		return fmt.Errorf("address %s is not free: %w", a, domain.ErrConflict)
	}
	return nil
}

// poolLock serializes allocation in one pool until the transaction ends,
// and returns the pool as it stands under the lock.
func (s *Store) poolLock(ctx context.Context, tx *sql.Tx, poolID string) (domain.Pool, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+poolColumns+` FROM pools p WHERE p.id = $1`+s.dialect.lockRow, poolID)
	pool, err := scanPool(row)
	if err != nil {
		return domain.Pool{}, fmt.Errorf("lock pool %s: %w", poolID, err)
	}
	return pool, nil
}

// addressInsert stores row with the address a of pool, and reports false,
// storing nothing, when the network already has a row for a: the unique
// (network_id, address) constraint is the last line of defence against
// handing an address out twice. A trigger counts the row in its pool.
func addressInsert(ctx context.Context, tx *sql.Tx, row addressRow, pool domain.Pool, a netip.Addr) (bool, error) {
	p := row.params
	var interfaceID any
	if p.InterfaceID != "" {
		interfaceID = p.InterfaceID
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO ip_addresses
			(id, organization_id, network_id, pool_id, address, vip, label, interface_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (network_id, address) DO NOTHING`,
		row.id, p.OrganizationID, p.NetworkID, pool.ID, a.String(), p.VIP, p.Label, interfaceID, row.created)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AddressDelete removes the address from its organization and gives it back
// to its pool, in one transaction. It returns domain.ErrNotFound when there
// is no such address.
func (s *Store) AddressDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.addressRelease(ctx, tx, id)
	})
	return translate(err, "delete address "+id)
}

// addressRelease deletes the address id in tx and gives it back to its
// pool. It locks the pool before the address row, the order every
// transaction that takes both keeps, so that none waits on another in a
// circle.
func (s *Store) addressRelease(ctx context.Context, tx *sql.Tx, id string) error {
	var poolID string
	if err := tx.QueryRowContext(ctx, `SELECT pool_id FROM ip_addresses WHERE id = $1`, id).Scan(&poolID); err != nil {
		return err
	}
	pool, err := s.poolLock(ctx, tx, poolID)
	if err != nil {
		return err
	}

	// Reading the row by deleting it means that of two concurrent
	// deletes only one finds it, so the address goes back once.
	var text string
	err = tx.QueryRowContext(ctx, `DELETE FROM ip_addresses WHERE id = $1 RETURNING address`, id).Scan(&text)
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(text)
	if err != nil {
		return fmt.Errorf("decode address %s: %w", id, err)
	}
	return poolGiveBack(ctx, tx, pool, a)
}

// AddressAllocate allocates the address to the interface. It returns
// domain.ErrAlreadyAllocated when the address is allocated to any
// interface, and domain.ErrNotFound when the address does not exist.
func (s *Store) AddressAllocate(ctx context.Context, id, interfaceID string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ip_addresses SET interface_id = $2, reverse_dns = ''
			WHERE id = $1 AND interface_id IS NULL`, id, interfaceID)
		if err != nil {
			return err
		}
		return addressChanged(ctx, tx, res, id, domain.ErrAlreadyAllocated)
	})
	return translate(err, "allocate address "+id)
}

// AddressUnallocate detaches the address from its interface; it stays in
// its organization. It returns domain.ErrNotAllocated when the address is
// allocated to nothing.
func (s *Store) AddressUnallocate(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ip_addresses SET interface_id = NULL, reverse_dns = ''
			WHERE id = $1 AND interface_id IS NOT NULL`, id)
		if err != nil {
			return err
		}
		return addressChanged(ctx, tx, res, id, domain.ErrNotAllocated)
	})
	return translate(err, "unallocate address "+id)
}

// addressChanged turns a conditional update that changed no row into
// domain.ErrNotFound when the address is missing, or into unmet otherwise.
func addressChanged(ctx context.Context, tx *sql.Tx, res sql.Result, id string, unmet error) error {
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return err
	}
	var found string
	err = tx.QueryRowContext(ctx, `SELECT id FROM ip_addresses WHERE id = $1`, id).Scan(&found)
	if err != nil {
		return err
	}
	return unmet
}

const addressColumns = `a.id, a.organization_id, a.address, a.vip, a.label, a.reverse_dns, a.created_at,
	p.id, p.prefix, p.gateway,
	` + networkColumns + `,
	i.id, i.mac_address, i.state, v.id, v.name, v.hostname || '.' || o.infrastructure_domain`
const addressJoin = `ip_addresses a
	JOIN pools p ON p.id = a.pool_id
	JOIN networks n ON n.id = a.network_id
	JOIN data_centers d ON d.id = n.data_center_id
	JOIN countries c ON c.id = d.country_id
	LEFT JOIN interfaces i ON i.id = a.interface_id
	LEFT JOIN virtual_machines v ON v.id = i.virtual_machine_id
	LEFT JOIN organizations o ON o.id = v.organization_id`

func scanAddress(row interface{ Scan(...any) error }) (domain.Address, error) {
	var a domain.Address
	var text, prefix, gateway string
	var created int64
	var ifaceID, mac, state, vmID, vmName, fqdn sql.NullString
	dest := []any{&a.ID, &a.OrganizationID, &text, &a.VIP, &a.Label, &a.ReverseDNS, &created,
		&a.PoolID, &prefix, &gateway}
	dest = append(dest, networkDest(&a.Network)...)
	err := row.Scan(append(dest, &ifaceID, &mac, &state, &vmID, &vmName, &fqdn)...)
	if err != nil {
		return a, err
	}
	a.CreatedAt = unixTime(created)
	if ifaceID.Valid {
		a.Interface = &domain.Interface{
			ID:               ifaceID.String,
			VirtualMachineID: vmID.String,
			VirtualMachine:   domain.VirtualMachine{ID: vmID.String, Name: vmName.String, FQDN: fqdn.String},
			Network:          a.Network,
			MACAddress:       mac.String,
			State:            state.String,
		}
	}
	return a, decodeAddressText(&a, text, prefix, gateway)
}

func decodeAddressText(a *domain.Address, text, prefix, gateway string) error {
	var err error
	if a.Addr, err = netip.ParseAddr(text); err != nil {
		return fmt.Errorf("decode address %s: %w", a.ID, err)
	}
	if a.Prefix, err = netip.ParsePrefix(prefix); err != nil {
		return fmt.Errorf("decode address %s prefix: %w", a.ID, err)
	}
	if gateway != "" {
		if a.Gateway, err = netip.ParseAddr(gateway); err != nil {
			return fmt.Errorf("decode address %s gateway: %w", a.ID, err)
		}
	}
	return nil
}

var addressKind = kind[domain.Address]{name: "ip_address", table: "ip_addresses", get: addressGet}

// AddressGet returns the address with the given ID.
func (s *Store) AddressGet(ctx context.Context, id string) (domain.Address, error) {
	a, err := addressGet(ctx, s.db, id)
	return a, translate(err, "get address "+id)
}

func addressGet(ctx context.Context, q queryer, id string) (domain.Address, error) {
	return scanAddress(q.QueryRowContext(ctx, `SELECT `+addressColumns+` FROM `+addressJoin+` WHERE a.id = $1`, id))
}

// unallocateInterface unallocates, in tx, every address allocated to the
// interface, and records each in the audit log: they stay in their
// organization. An address that another transaction deleted or moved to
// another interface meanwhile is left as that transaction made it.
func (s *Store) unallocateInterface(ctx context.Context, tx *sql.Tx, interfaceID string) error {
	ids, err := selectIDs(ctx, tx, `SELECT id FROM ip_addresses WHERE interface_id = $1 ORDER BY id`, interfaceID)
	if err != nil {
		return err
	}
	return eachStill(ids, func(id string) error {
		_, err := recordChange(ctx, s, tx, domain.ActionUnallocate, addressKind, id, func(domain.Address) error {
			return execFound(ctx, tx, `UPDATE ip_addresses SET interface_id = NULL, reverse_dns = ''
				WHERE id = $1 AND interface_id = $2`, id, interfaceID)
		})
		return err
	})
}

// releaseOrganization deletes, in tx, every address of the organization,
// gives each back to its pool and records it in the audit log. The caller
// holds every pool's lock (see lockAllPools).
func (s *Store) releaseOrganization(ctx context.Context, tx *sql.Tx, orgID string) error {
	ids, err := selectIDs(ctx, tx, `SELECT id FROM ip_addresses WHERE organization_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return err
	}
	return eachStill(ids, func(id string) error {
		_, err := recordDelete(ctx, s, tx, addressKind, id, func(domain.Address) error {
			return s.addressRelease(ctx, tx, id)
		})
		return err
	})
}

// eachStill runs fn for each of the IDs a removal listed, passing over
// those another transaction removed or moved since: fn reports them as
// sql.ErrNoRows.
func eachStill(ids []string, fn func(id string) error) error {
	for _, id := range ids {
		if err := fn(id); err != nil && !errNoRows(err) {
			return err
		}
	}
	return nil
}

// AddressGetByAddr returns the address a. Networks may reuse private
// ranges, so when several networks hold a the one owned by the
// organization preferOrgID is returned, then the oldest.
func (s *Store) AddressGetByAddr(ctx context.Context, a netip.Addr, preferOrgID string) (domain.Address, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+addressColumns+` FROM `+addressJoin+`
		WHERE a.address = $1
		ORDER BY CASE WHEN a.organization_id = $2 THEN 0 ELSE 1 END, a.created_at, a.id LIMIT 1`,
		a.String(), preferOrgID)
	found, err := scanAddress(row)
	return found, translate(err, "get address "+a.String())
}

// InterfaceAddresses returns the addresses allocated to the interface, in
// the order they were created.
func (s *Store) InterfaceAddresses(ctx context.Context, interfaceID string) ([]domain.Address, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+addressColumns+` FROM `+addressJoin+`
		WHERE a.interface_id = $1 ORDER BY a.created_at, a.id`, interfaceID)
	if err != nil {
		return nil, translate(err, "list addresses of interface "+interfaceID)
	}
	addrs, err := collect(rows, scanAddress)
	return addrs, translate(err, "list addresses of interface "+interfaceID)
}

// AddressListParams selects a page of an organization's addresses.
type AddressListParams struct {
	OrganizationID string

	// Allocated, when set, keeps only the allocated addresses (true) or
	// only the unallocated ones (false).
	Allocated *bool
	Page      domain.Page
}

// AddressList returns a page of the organization's addresses, oldest
// first, and how many there are in all.
func (s *Store) AddressList(ctx context.Context, p AddressListParams) ([]domain.Address, int, error) {
	where := `a.organization_id = $1`
	switch {
	case p.Allocated == nil:
	case *p.Allocated:
		where += ` AND a.interface_id IS NOT NULL`
	default:
		where += ` AND a.interface_id IS NULL`
	}
	addrs, total, err := listPage(ctx, s.db, p.Page, addressColumns, addressJoin, where, `a.created_at, a.id`,
		scanAddress, p.OrganizationID)
	return addrs, total, translate(err, "list addresses of "+p.OrganizationID)
}

// AddressListUnallocated returns the organization's unallocated addresses
// of version v in the network, oldest first: those an interface on that
// network could take.
func (s *Store) AddressListUnallocated(
	ctx context.Context, orgID, networkID string, v ipam.Version,
) ([]domain.Address, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+addressColumns+` FROM `+addressJoin+`
		WHERE a.organization_id = $1 AND a.network_id = $2 AND p.version = $3 AND a.interface_id IS NULL
		ORDER BY a.created_at, a.id`, orgID, networkID, int(v))
	if err != nil {
		return nil, translate(err, "list unallocated addresses of "+orgID)
	}
	addrs, err := collect(rows, scanAddress)
	return addrs, translate(err, "list unallocated addresses of "+orgID)
}

// VirtualMachineAddresses returns the addresses allocated to any
// interface of the virtual machine, oldest first.
func (s *Store) VirtualMachineAddresses(ctx context.Context, vmID string) ([]domain.Address, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+addressColumns+` FROM `+addressJoin+`
		WHERE i.virtual_machine_id = $1 ORDER BY a.created_at, a.id`, vmID)
	if err != nil {
		return nil, translate(err, "list addresses of virtual machine "+vmID)
	}
	addrs, err := collect(rows, scanAddress)
	return addrs, translate(err, "list addresses of virtual machine "+vmID)
}

// AddressUpdateParams are the fields of an address a customer may change;
// nil leaves a field as it is.
type AddressUpdateParams struct {
	VIP   *bool
	Label *string

	// ReverseDNS sets the PTR name; "" returns to the default one.
	ReverseDNS *string
}

// AddressUpdate changes the address's customer fields.
func (s *Store) AddressUpdate(ctx context.Context, id string, p AddressUpdateParams) (domain.Address, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ip_addresses SET
			vip = COALESCE($2, vip), label = COALESCE($3, label), reverse_dns = COALESCE($4, reverse_dns)
			WHERE id = $1`, id, p.VIP, p.Label, p.ReverseDNS)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, sql.ErrNoRows)
		}
		return nil
	})
	if err != nil {
		return domain.Address{}, translate(err, "update address "+id)
	}
	return s.AddressGet(ctx, id)
}
