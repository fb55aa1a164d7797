package store

import (
	"context"
	"database/sql"

	"github.com/ipd/ipd/internal/domain"
)

var (
	virtualMachineKind = kind[domain.VirtualMachine]{
		name: "virtual_machine", table: "virtual_machines", get: virtualMachineGet,
	}
	interfaceKind = kind[domain.Interface]{name: "interface", table: "interfaces", get: interfaceGet}
)

// VirtualMachineCreate stores a new virtual machine of the organization
// vm.OrganizationID in the data center vm.DataCenter.ID.
func (s *Store) VirtualMachineCreate(ctx context.Context, vm domain.VirtualMachine) (domain.VirtualMachine, error) {
	id := newID(prefixVM)
	created, err := createRecorded(ctx, s, virtualMachineKind, id, `
		INSERT INTO virtual_machines (id, organization_id, name, hostname, data_center_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		id, vm.OrganizationID, vm.Name, vm.Hostname, vm.DataCenter.ID, unixSeconds(s.now()))
	return created, translate(err, "create virtual machine "+vm.Name)
}

// VirtualMachineUpdate changes the name or hostname of the virtual machine
// id as edit says; its organization and data center are fixed.
func (s *Store) VirtualMachineUpdate(
	ctx context.Context, id string, edit func(*domain.VirtualMachine) error,
) (domain.VirtualMachine, error) {
	save := func(tx *sql.Tx, vm domain.VirtualMachine) error {
		return execFound(ctx, tx, `UPDATE virtual_machines SET name = $2, hostname = $3 WHERE id = $1`,
			vm.ID, vm.Name, vm.Hostname)
	}
	updated, err := updateRecorded(ctx, s, virtualMachineKind, id, edit, save)
	return updated, translate(err, "update virtual machine "+id)
}

// VirtualMachineDelete removes the virtual machine id with its interfaces.
// The addresses allocated to it are unallocated and stay in its
// organization. Every change is recorded in the audit log.
func (s *Store) VirtualMachineDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.virtualMachineRemove(ctx, tx, id)
	})
	return translate(err, "delete virtual machine "+id)
}

func (s *Store) virtualMachineRemove(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := recordDelete(ctx, s, tx, virtualMachineKind, id, func(domain.VirtualMachine) error {
		interfaces, err := selectIDs(ctx, tx, `SELECT id FROM interfaces WHERE virtual_machine_id = $1 ORDER BY id`, id)
		if err != nil {
			return err
		}
		if err := eachStill(interfaces, func(ifaceID string) error {
			return s.interfaceRemove(ctx, tx, ifaceID)
		}); err != nil {
			return err
		}
		return execFound(ctx, tx, `DELETE FROM virtual_machines WHERE id = $1`, id)
	})
	return err
}

const virtualMachineColumns = `v.id, v.organization_id, v.name, v.hostname, v.created_at,
	v.hostname || '.' || o.infrastructure_domain,
	vd.id, vd.name, vd.permalink, vc.id, vc.name, vc.iso_code2, vc.iso_code3, vc.time_zone, vc.eu`

// virtualMachineJoins joins a virtual machine v to its organization and
// data center; the data center and its country take the aliases vd and
// vc, since the tables may appear again for a network.
const virtualMachineJoins = `JOIN organizations o ON o.id = v.organization_id
	JOIN data_centers vd ON vd.id = v.data_center_id
	JOIN countries vc ON vc.id = vd.country_id`
const virtualMachineJoin = `virtual_machines v ` + virtualMachineJoins

// virtualMachineDest returns where the columns of virtualMachineColumns
// scan to, with created for the creation time in Unix seconds.
func virtualMachineDest(vm *domain.VirtualMachine, created *int64) []any {
	d := &vm.DataCenter
	c := &d.Country
	return []any{&vm.ID, &vm.OrganizationID, &vm.Name, &vm.Hostname, created, &vm.FQDN,
		&d.ID, &d.Name, &d.Permalink, &c.ID, &c.Name, &c.ISOCode2, &c.ISOCode3, &c.TimeZone, &c.EU}
}

func scanVirtualMachine(row interface{ Scan(...any) error }) (domain.VirtualMachine, error) {
	var vm domain.VirtualMachine
	var created int64
	err := row.Scan(virtualMachineDest(&vm, &created)...)
	vm.CreatedAt = unixTime(created)
	return vm, err
}

// VirtualMachineGetBy returns the virtual machine whose key ("id" or
// "fqdn") equals value.
func (s *Store) VirtualMachineGetBy(ctx context.Context, key, value string) (domain.VirtualMachine, error) {
	where := `v.id = $1`
	if key == "fqdn" {
		where = `v.hostname || '.' || o.infrastructure_domain = $1`
	} else if _, err := lookupColumn(key, "id"); err != nil {
		return domain.VirtualMachine{}, err
	}
	row := s.db.QueryRowContext(ctx, `SELECT `+virtualMachineColumns+` FROM `+virtualMachineJoin+` WHERE `+where, value)
	vm, err := scanVirtualMachine(row)
	return vm, translate(err, "get virtual machine by "+key)
}

func virtualMachineGet(ctx context.Context, q queryer, id string) (domain.VirtualMachine, error) {
	return scanVirtualMachine(q.QueryRowContext(ctx,
		`SELECT `+virtualMachineColumns+` FROM `+virtualMachineJoin+` WHERE v.id = $1`, id))
}

// InterfaceCreate stores a new network interface of the virtual machine
// i.VirtualMachineID on the network i.Network.ID.
func (s *Store) InterfaceCreate(ctx context.Context, i domain.Interface) (domain.Interface, error) {
	id := newID(prefixInterface)
	created, err := createRecorded(ctx, s, interfaceKind, id, `
		INSERT INTO interfaces (id, virtual_machine_id, network_id, mac_address, state)
		VALUES ($1, $2, $3, $4, $5)`,
		id, i.VirtualMachineID, i.Network.ID, i.MACAddress, i.State)
	return created, translate(err, "create interface "+i.MACAddress)
}

// InterfaceUpdate changes the MAC address or state of the interface id as
// edit says; its virtual machine and network are fixed.
func (s *Store) InterfaceUpdate(
	ctx context.Context, id string, edit func(*domain.Interface) error,
) (domain.Interface, error) {
	updated, err := updateRecorded(ctx, s, interfaceKind, id, edit, func(tx *sql.Tx, i domain.Interface) error {
		return execFound(ctx, tx, `UPDATE interfaces SET mac_address = $2, state = $3 WHERE id = $1`,
			i.ID, i.MACAddress, i.State)
	})
	return updated, translate(err, "update interface "+id)
}

// InterfaceDelete removes the interface id. The addresses allocated
// through it are unallocated and stay in their organization; every change
// is recorded in the audit log.
func (s *Store) InterfaceDelete(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.interfaceRemove(ctx, tx, id)
	})
	return translate(err, "delete interface "+id)
}

func (s *Store) interfaceRemove(ctx context.Context, tx *sql.Tx, id string) error {
	// Unallocating before the interface's row is locked takes the address
	// rows first, as allocate_ip does before it refers to the interface;
	// once the row is locked, a second pass finds the addresses allocated
	// to it meanwhile.
	if err := s.unallocateInterface(ctx, tx, id); err != nil {
		return err
	}
	_, err := recordDelete(ctx, s, tx, interfaceKind, id, func(domain.Interface) error {
		if err := s.unallocateInterface(ctx, tx, id); err != nil {
			return err
		}
		return execFound(ctx, tx, `DELETE FROM interfaces WHERE id = $1`, id)
	})
	return err
}

const interfaceColumns = `i.id, i.mac_address, i.state, ` + virtualMachineColumns + `, ` + networkColumns
const interfaceJoin = `interfaces i
	JOIN virtual_machines v ON v.id = i.virtual_machine_id
	` + virtualMachineJoins + `
	JOIN networks n ON n.id = i.network_id
	JOIN data_centers d ON d.id = n.data_center_id
	JOIN countries c ON c.id = d.country_id`

func scanInterface(row interface{ Scan(...any) error }) (domain.Interface, error) {
	var i domain.Interface
	var created int64
	dest := append([]any{&i.ID, &i.MACAddress, &i.State}, virtualMachineDest(&i.VirtualMachine, &created)...)
	err := row.Scan(append(dest, networkDest(&i.Network)...)...)
	i.VirtualMachine.CreatedAt = unixTime(created)
	i.VirtualMachineID = i.VirtualMachine.ID
	return i, err
}

// InterfaceGet returns the interface with the given ID, with its virtual
// machine and network.
func (s *Store) InterfaceGet(ctx context.Context, id string) (domain.Interface, error) {
	i, err := interfaceGet(ctx, s.db, id)
	return i, translate(err, "get interface "+id)
}

func interfaceGet(ctx context.Context, q queryer, id string) (domain.Interface, error) {
	return scanInterface(q.QueryRowContext(ctx,
		`SELECT `+interfaceColumns+` FROM `+interfaceJoin+` WHERE i.id = $1`, id))
}

// InterfaceGetByNetwork returns the interface of the virtual machine vmID
// on the network networkID.
func (s *Store) InterfaceGetByNetwork(ctx context.Context, vmID, networkID string) (domain.Interface, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+interfaceColumns+` FROM `+interfaceJoin+`
		WHERE i.virtual_machine_id = $1 AND i.network_id = $2 ORDER BY i.id LIMIT 1`, vmID, networkID)
	i, err := scanInterface(row)
	return i, translate(err, "get interface of "+vmID+" on "+networkID)
}

// VirtualMachineList returns a page of the organization's virtual
// machines, oldest first, and how many there are in all.
func (s *Store) VirtualMachineList(
	ctx context.Context, orgID string, page domain.Page,
) ([]domain.VirtualMachine, int, error) {
	vms, total, err := listPage(ctx, s.db, page, virtualMachineColumns, virtualMachineJoin,
		`v.organization_id = $1`, `v.created_at, v.id`, scanVirtualMachine, orgID)
	return vms, total, translate(err, "list virtual machines of "+orgID)
}

// InterfaceList returns a page of the virtual machine's interfaces and
// how many it has in all.
func (s *Store) InterfaceList(ctx context.Context, vmID string, page domain.Page) ([]domain.Interface, int, error) {
	ifaces, total, err := listPage(ctx, s.db, page, interfaceColumns, interfaceJoin,
		`i.virtual_machine_id = $1`, `i.id`, scanInterface, vmID)
	return ifaces, total, translate(err, "list interfaces of "+vmID)
}
