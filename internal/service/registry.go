package service

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/ipam"
)

// The registry is what operators keep: countries, data centers, networks
// and their pools, organizations, virtual machines and interfaces. Each
// kind has a spec, the fields an operator sets; on create the required
// ones must be given, and on update a nil field keeps its value. A field
// that names its parent (a data center's country_id, say) is set on
// create only. Every refusal comes back as one domain.ValidationError
// listing each problem, and every change is recorded in the audit log
// with the actor of the context (see domain.WithActor).

// CountrySpec is what an operator sets of a country.
type CountrySpec struct {
	Name     *string `json:"name"`
	ISOCode2 *string `json:"iso_code2"`
	ISOCode3 *string `json:"iso_code3"`
	TimeZone *string `json:"time_zone"`
	EU       *bool   `json:"eu"`
}

func (s *Service) applyCountry(_ context.Context, spec CountrySpec, c *domain.Country, creating bool) error {
	var p problems
	p.text("name", spec.Name, &c.Name, creating)
	p.pattern("iso_code2", spec.ISOCode2, &c.ISOCode2, creating, isoCode2, "two capital letters")
	p.pattern("iso_code3", spec.ISOCode3, &c.ISOCode3, creating, isoCode3, "three capital letters")
	p.text("time_zone", spec.TimeZone, &c.TimeZone, creating)
	set(spec.EU, &c.EU)
	return p.result()
}

// CreateCountry registers a country.
func (s *Service) CreateCountry(ctx context.Context, spec CountrySpec) (domain.Country, error) {
	return create(ctx, spec, s.applyCountry, s.store.CountryCreate)
}

// UpdateCountry changes the fields of the country id that spec gives.
func (s *Service) UpdateCountry(ctx context.Context, id string, spec CountrySpec) (domain.Country, error) {
	return update(ctx, id, spec, "country", s.applyCountry, s.store.CountryUpdate)
}

// DataCenterSpec is what an operator sets of a data center.
type DataCenterSpec struct {
	Name      *string `json:"name"`
	Permalink *string `json:"permalink"`
	CountryID *string `json:"country_id"`
}

func (s *Service) applyDataCenter(
	ctx context.Context, spec DataCenterSpec, dc *domain.DataCenter, creating bool,
) error {
	var p problems
	p.text("name", spec.Name, &dc.Name, creating)
	p.pattern("permalink", spec.Permalink, &dc.Permalink, creating, slug, slugRule)
	if spec.CountryID != nil || creating {
		parent(ctx, &p, "country_id", spec.CountryID, &dc.Country, byID(s.Country))
	}
	return p.result()
}

// CreateDataCenter registers a data center in a country.
func (s *Service) CreateDataCenter(ctx context.Context, spec DataCenterSpec) (domain.DataCenter, error) {
	return create(ctx, spec, s.applyDataCenter, s.store.DataCenterCreate)
}

// UpdateDataCenter changes the fields of the data center id that spec
// gives; it may move to another country.
func (s *Service) UpdateDataCenter(ctx context.Context, id string, spec DataCenterSpec) (domain.DataCenter, error) {
	return update(ctx, id, spec, "data_center", s.applyDataCenter, s.store.DataCenterUpdate)
}

// NetworkSpec is what an operator sets of a network.
type NetworkSpec struct {
	Name         *string `json:"name"`
	Permalink    *string `json:"permalink"`
	DataCenterID *string `json:"data_center_id"`
	Default      *bool   `json:"default"`
}

func (s *Service) applyNetwork(ctx context.Context, spec NetworkSpec, n *domain.Network, creating bool) error {
	var p problems
	p.text("name", spec.Name, &n.Name, creating)
	p.pattern("permalink", spec.Permalink, &n.Permalink, creating, slug, slugRule)
	createOnly(ctx, &p, creating, "data_center_id", spec.DataCenterID, &n.DataCenter, byID(s.DataCenter))
	set(spec.Default, &n.Default)
	return p.result()
}

// CreateNetwork registers a network in a data center.
func (s *Service) CreateNetwork(ctx context.Context, spec NetworkSpec) (domain.Network, error) {
	return create(ctx, spec, s.applyNetwork, s.store.NetworkCreate)
}

// UpdateNetwork changes the fields of the network id that spec gives.
func (s *Service) UpdateNetwork(ctx context.Context, id string, spec NetworkSpec) (domain.Network, error) {
	return update(ctx, id, spec, "network", s.applyNetwork, s.store.NetworkUpdate)
}

// PoolSpec is what an operator sets of a pool. Ranges and Reserved hold
// "A", "A-B" or "A/N"; an empty Gateway means the subnet has none.
type PoolSpec struct {
	NetworkID *string   `json:"network_id"`
	Prefix    *string   `json:"prefix"`
	Gateway   *string   `json:"gateway"`
	Ranges    *[]string `json:"ranges"`
	Reserved  *[]string `json:"reserved"`
	Strategy  *string   `json:"strategy"`
	Reuse     *string   `json:"reuse"`
	Position  *int      `json:"position"`
}

func (s *Service) applyPool(ctx context.Context, spec PoolSpec, pool *domain.Pool, creating bool) error {
	var p problems
	var network domain.Network
	createOnly(ctx, &p, creating, "network_id", spec.NetworkID, &network, byID(s.Network))
	if creating {
		pool.NetworkID = network.ID
	}
	parse(&p, "prefix", spec.Prefix, &pool.Prefix, creating, ipam.ParsePrefix)
	if spec.Gateway != nil {
		pool.Gateway = netip.Addr{}
		if *spec.Gateway != "" {
			parse(&p, "gateway", spec.Gateway, &pool.Gateway, false, ipam.ParseAddr)
		}
	}
	p.ranges("ranges", spec.Ranges, &pool.Ranges)
	p.ranges("reserved", spec.Reserved, &pool.Reserved)
	if creating {
		pool.Strategy, pool.Reuse = ipam.Lowest, ipam.FreshFirst
	}
	parse(&p, "strategy", spec.Strategy, &pool.Strategy, false, ipam.ParseStrategy)
	parse(&p, "reuse", spec.Reuse, &pool.Reuse, false, ipam.ParseReuse)
	if spec.Position != nil && (*spec.Position < 0 || *spec.Position > maxPoolPosition) {
		p.add("position %d is not from 0 to %d", *spec.Position, maxPoolPosition)
	}
	set(spec.Position, &pool.Position)
	return p.result()
}

// maxPoolPosition bounds a pool's position, which orders a network's
// pools; a network has a handful.
const maxPoolPosition = 1_000_000

// CreatePool adds a pool to a network. A pool that overlaps another of its
// network, or whose gateway, ranges or reserved addresses fall outside its
// prefix, is refused.
func (s *Service) CreatePool(ctx context.Context, spec PoolSpec) (domain.Pool, error) {
	return create(ctx, spec, s.applyPool, s.store.PoolCreate)
}

// UpdatePool changes the fields of the pool id that spec gives. Besides
// CreatePool's refusals, a change that would exclude an address the pool
// has handed out is refused with a domain.ConflictError naming it.
func (s *Service) UpdatePool(ctx context.Context, id string, spec PoolSpec) (domain.Pool, error) {
	return update(ctx, id, spec, "pool", s.applyPool, s.store.PoolUpdate)
}

// Pool returns the pool id.
func (s *Service) Pool(ctx context.Context, id string) (domain.Pool, error) {
	p, err := s.store.PoolGet(ctx, id)
	return p, notFound(err, "pool")
}

// OrganizationSpec is what an operator sets of an organization. An empty
// infrastructure domain means "<sub_domain>.katapult.cloud".
type OrganizationSpec struct {
	Name                 *string `json:"name"`
	SubDomain            *string `json:"sub_domain"`
	InfrastructureDomain *string `json:"infrastructure_domain"`
}

func (s *Service) applyOrganization(
	_ context.Context, spec OrganizationSpec, o *domain.Organization, creating bool,
) error {
	var p problems
	p.text("name", spec.Name, &o.Name, creating)
	p.pattern("sub_domain", spec.SubDomain, &o.SubDomain, creating, slug, slugRule)
	p.hostname("infrastructure_domain", spec.InfrastructureDomain, &o.InfrastructureDomain)
	if o.InfrastructureDomain == "" {
		o.InfrastructureDomain = o.SubDomain + ".katapult.cloud"
	}
	return p.result()
}

// CreateOrganization registers a customer organization.
func (s *Service) CreateOrganization(ctx context.Context, spec OrganizationSpec) (domain.Organization, error) {
	return create(ctx, spec, s.applyOrganization, s.store.OrganizationCreate)
}

// UpdateOrganization changes the fields of the organization id that spec
// gives.
func (s *Service) UpdateOrganization(
	ctx context.Context, id string, spec OrganizationSpec,
) (domain.Organization, error) {
	return update(ctx, id, spec, "organization", s.applyOrganization, s.store.OrganizationUpdate)
}

// OrganizationByID returns the organization id, whoever owns it.
func (s *Service) OrganizationByID(ctx context.Context, id string) (domain.Organization, error) {
	o, err := s.store.OrganizationGetBy(ctx, "id", id)
	return o, notFound(err, "organization")
}

// VirtualMachineSpec is what an operator sets of a virtual machine.
type VirtualMachineSpec struct {
	OrganizationID *string `json:"organization_id"`
	DataCenterID   *string `json:"data_center_id"`
	Name           *string `json:"name"`
	Hostname       *string `json:"hostname"`
}

func (s *Service) applyVirtualMachine(
	ctx context.Context, spec VirtualMachineSpec, vm *domain.VirtualMachine, creating bool,
) error {
	var p problems
	var org domain.Organization
	createOnly(ctx, &p, creating, "organization_id", spec.OrganizationID, &org, s.OrganizationByID)
	if creating {
		vm.OrganizationID = org.ID
	}
	createOnly(ctx, &p, creating, "data_center_id", spec.DataCenterID, &vm.DataCenter, byID(s.DataCenter))
	p.text("name", spec.Name, &vm.Name, creating)
	p.hostname("hostname", spec.Hostname, &vm.Hostname)
	if vm.Hostname == "" && (spec.Hostname == nil || *spec.Hostname == "") {
		p.add("hostname can't be blank")
	}
	return p.result()
}

// CreateVirtualMachine registers a customer's virtual machine, as a
// provisioning system does when it builds one.
func (s *Service) CreateVirtualMachine(ctx context.Context, spec VirtualMachineSpec) (domain.VirtualMachine, error) {
	return create(ctx, spec, s.applyVirtualMachine, s.store.VirtualMachineCreate)
}

// UpdateVirtualMachine changes the name or hostname of the virtual
// machine id.
func (s *Service) UpdateVirtualMachine(
	ctx context.Context, id string, spec VirtualMachineSpec,
) (domain.VirtualMachine, error) {
	return update(ctx, id, spec, "virtual_machine", s.applyVirtualMachine, s.store.VirtualMachineUpdate)
}

// VirtualMachineByID returns the virtual machine id, whoever owns it.
func (s *Service) VirtualMachineByID(ctx context.Context, id string) (domain.VirtualMachine, error) {
	vm, err := s.store.VirtualMachineGetBy(ctx, "id", id)
	return vm, notFound(err, "virtual_machine")
}

// InterfaceSpec is what an operator sets of a network interface. An
// empty MAC address on create is made up, starting 3a: as production's
// do; the state defaults to "attached".
type InterfaceSpec struct {
	VirtualMachineID *string `json:"virtual_machine_id"`
	NetworkID        *string `json:"network_id"`
	MACAddress       *string `json:"mac_address"`
	State            *string `json:"state"`
}

func (s *Service) applyInterface(ctx context.Context, spec InterfaceSpec, i *domain.Interface, creating bool) error {
	var p problems
	createOnly(ctx, &p, creating, "virtual_machine_id", spec.VirtualMachineID, &i.VirtualMachine, s.VirtualMachineByID)
	i.VirtualMachineID = i.VirtualMachine.ID
	createOnly(ctx, &p, creating, "network_id", spec.NetworkID, &i.Network, byID(s.Network))
	if creating && p.ok() && i.Network.DataCenter.ID != i.VirtualMachine.DataCenter.ID {
		p.add("network %s is in data center %s, not the virtual machine's %s",
			i.Network.ID, i.Network.DataCenter.Permalink, i.VirtualMachine.DataCenter.Permalink)
	}
	parse(&p, "mac_address", spec.MACAddress, &i.MACAddress, false, ParseMAC)
	if creating && i.MACAddress == "" {
		i.MACAddress = randomMAC()
	}
	parse(&p, "state", spec.State, &i.State, false, parseInterfaceState)
	if creating && i.State == "" {
		i.State = "attached"
	}
	return p.result()
}

// CreateInterface registers a network interface of a virtual machine on a
// network of the machine's data center.
func (s *Service) CreateInterface(ctx context.Context, spec InterfaceSpec) (domain.Interface, error) {
	return create(ctx, spec, s.applyInterface, s.store.InterfaceCreate)
}

// UpdateInterface changes the MAC address or state of the interface id.
func (s *Service) UpdateInterface(ctx context.Context, id string, spec InterfaceSpec) (domain.Interface, error) {
	return update(ctx, id, spec, "interface", s.applyInterface, s.store.InterfaceUpdate)
}

// InterfaceByID returns the interface id, whoever owns it.
func (s *Service) InterfaceByID(ctx context.Context, id string) (domain.Interface, error) {
	i, err := s.store.InterfaceGet(ctx, id)
	return i, notFound(err, "interface")
}

// byID turns a lookup by key, such as Country, into one by ID, as a
// spec's parent fields need.
func byID[T any](get func(context.Context, string, string) (T, error)) func(context.Context, string) (T, error) {
	return func(ctx context.Context, id string) (T, error) {
		return get(ctx, "id", id)
	}
}

// create builds a new object from spec with apply and stores it with
// store, or returns the problems apply found.
func create[Spec, T any](
	ctx context.Context, spec Spec,
	apply func(context.Context, Spec, *T, bool) error,
	store func(context.Context, T) (T, error),
) (T, error) {
	var obj T
	if err := apply(ctx, spec, &obj, true); err != nil {
		var zero T
		return zero, err
	}
	return store(ctx, obj)
}

// update changes the object id, an object (as NotFoundError names it), as
// spec says: store reads it, apply edits it and store writes it, all under
// the object's lock.
func update[Spec, T any](
	ctx context.Context, id string, spec Spec, object string,
	apply func(context.Context, Spec, *T, bool) error,
	store func(context.Context, string, func(*T) error) (T, error),
) (T, error) {
	obj, err := store(ctx, id, func(obj *T) error {
		return apply(ctx, spec, obj, false)
	})
	return obj, notFound(err, object)
}

// problems collects what is wrong with a spec, one message a field, and
// any failure to check it, such as a database that does not answer.
type problems struct {
	messages []string
	err      error
}

func (p *problems) add(format string, args ...any) {
	p.messages = append(p.messages, fmt.Sprintf(format, args...))
}

func (p *problems) ok() bool {
	return len(p.messages) == 0 && p.err == nil
}

// result returns the failure to check, the problems as one
// domain.ValidationError, or nil.
func (p *problems) result() error {
	switch {
	case p.err != nil:
		return p.err
	case len(p.messages) > 0:
		return &domain.ValidationError{Messages: p.messages}
	}
	return nil
}

// text sets *dst to *value, a field every object has: it must be given on
// create, and never blank.
func (p *problems) text(field string, value, dst *string, creating bool) {
	if value == nil {
		if creating {
			p.add("%s can't be blank", field)
		}
		return
	}
	p.messages = append(p.messages, textProblems(field, *value, true)...)
	*dst = *value
}

// pattern is text for a field whose value must match re, described by
// rule.
func (p *problems) pattern(field string, value, dst *string, creating bool, re *regexp.Regexp, rule string) {
	before := len(p.messages)
	p.text(field, value, dst, creating)
	if len(p.messages) == before && value != nil && !re.MatchString(*value) {
		p.add("%s %q must be %s", field, *value, rule)
	}
}

// hostname is text for a DNS name; empty is allowed, and left for the
// caller to default or refuse.
func (p *problems) hostname(field string, value, dst *string) {
	if value == nil {
		return
	}
	if *value != "" && !isHostname(*value) {
		p.add("%s %q is not a valid host name", field, *value)
		return
	}
	*dst = *value
}

// parse sets *dst to the parse of *value.
func parse[T any](p *problems, field string, value *string, dst *T, required bool, fn func(string) (T, error)) {
	if value == nil {
		if required {
			p.add("%s can't be blank", field)
		}
		return
	}
	parsed, err := fn(*value)
	if err != nil {
		p.add("%s %q is not valid: %v", field, *value, err)
		return
	}
	*dst = parsed
}

// ranges sets *dst to the ranges of items.
func (p *problems) ranges(field string, items *[]string, dst *[]ipam.Range) {
	if items == nil {
		return
	}
	out := make([]ipam.Range, 0, len(*items))
	for _, item := range *items {
		r, err := ipam.ParseRange(item)
		if err != nil {
			p.add("%s entry %q is not an address, range or prefix", field, item)
			continue
		}
		out = append(out, r)
	}
	*dst = out
}

// parent sets *dst to the object the ID *id names, which must exist.
func parent[T any](ctx context.Context, p *problems, field string, id *string, dst *T,
	get func(context.Context, string) (T, error)) {
	if id == nil || *id == "" {
		p.add("%s can't be blank", field)
		return
	}
	obj, err := get(ctx, *id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		p.add("%s %q does not exist", field, *id)
	case err != nil:
		p.err = fmt.Errorf("read %s %s: %w", field, *id, err)
	default:
		*dst = obj
	}
}

// createOnly is parent for a field that is set when the object is created
// and never changed.
func createOnly[T any](ctx context.Context, p *problems, creating bool, field string, id *string, dst *T,
	get func(context.Context, string) (T, error)) {
	switch {
	case creating:
		parent(ctx, p, field, id, dst, get)
	case id != nil:
		p.add("%s cannot be changed", field)
	}
}

func set[T any](value *T, dst *T) {
	if value != nil {
		*dst = *value
	}
}

var (
	isoCode2 = regexp.MustCompile(`^[A-Z]{2}$`)
	isoCode3 = regexp.MustCompile(`^[A-Z]{3}$`)
	slug     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

const slugRule = "lower-case letters, digits and inner hyphens, at most 63"

// ParseMAC returns an Ethernet address in canonical form, lower-case with
// colons, as ipd stores it.
func ParseMAC(s string) (string, error) {
	mac, err := net.ParseMAC(s)
	if err != nil || len(mac) != 6 {
		return "", errors.New("not an Ethernet address")
	}
	return mac.String(), nil
}

// randomMAC returns a random locally administered Ethernet address
// starting 3a:, as production's are.
func randomMAC() string {
	mac := make(net.HardwareAddr, 6)
	rand.Read(mac)
	mac[0] = 0x3a
	return mac.String()
}

func parseInterfaceState(s string) (string, error) {
	if s != "attached" && s != "detached" {
		return "", errors.New(`want "attached" or "detached"`)
	}
	return s, nil
}
