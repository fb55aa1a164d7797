package inventory_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// testBundle is a fresh database with the service over it.
type testBundle struct {
	ctx context.Context
	st  *store.Store
	svc *service.Service
}

func setup(t *testing.T, engine string) *testBundle {
	t.Helper()
	st := storetest.Open(t, engine)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &testBundle{ctx: context.Background(), st: st, svc: service.New(st, log, service.Config{})}
}

// plan returns the lines of the plan that brings the database to the
// inventory text.
func (b *testBundle) plan(t *testing.T, text string) []string {
	t.Helper()
	plan, err := inventory.NewPlan(b.ctx, b.svc, parse(t, text))
	require.NoError(t, err)
	lines := []string{}
	for _, c := range plan {
		lines = append(lines, c.String())
	}
	return lines
}

// apply brings the database to the inventory text and returns the plan's
// length.
func (b *testBundle) apply(t *testing.T, text string) int {
	t.Helper()
	plan, err := inventory.NewPlan(b.ctx, b.svc, parse(t, text))
	require.NoError(t, err)
	require.NoError(t, plan.Apply(b.ctx))
	return len(plan)
}

func parse(t *testing.T, text string) inventory.Inventory {
	t.Helper()
	inv, err := inventory.Parse(strings.NewReader(text))
	require.NoError(t, err)
	return inv
}

// edit returns text with each old string replaced by the new one after
// it, requiring every old string to be there.
func edit(t *testing.T, text string, oldNew ...string) string {
	t.Helper()
	for i := 0; i < len(oldNew); i += 2 {
		require.Contains(t, text, oldNew[i])
		text = strings.Replace(text, oldNew[i], oldNew[i+1], 1)
	}
	return text
}

// roundTrip leaves every field with a default empty somewhere, and writes
// a range as a prefix and a MAC address in capitals, which the database
// holds in other forms.
const roundTrip = `
countries:
  - {name: United Kingdom, iso_code2: GB, iso_code3: GBR, time_zone: Europe/London}
data_centers:
  - {name: London, permalink: uk-lon-01, country: GB}
networks:
  - name: Public Network
    permalink: uk-lon-01-public
    data_center: uk-lon-01
    default: true
    pools:
      - {prefix: 185.44.252.0/22, gateway: 185.44.255.254, reserved: [185.44.252.10-185.44.252.20]}
      - {prefix: "2a03:2800:500::/48", gateway: "2a03:2800:500::1", strategy: random, reuse: immediate}
  - name: Small Network
    permalink: uk-lon-01-small
    data_center: uk-lon-01
    pools:
      - {prefix: 10.0.0.0/29, gateway: 10.0.0.1, ranges: [10.0.0.0/30]}
organizations:
  - name: Acme
    sub_domain: acme
    virtual_machines:
      - name: web-1
        hostname: web-1
        data_center: uk-lon-01
        interfaces:
          - {network: uk-lon-01-public}
          - {network: uk-lon-01-small, mac_address: "3A:88:29:CC:BB:01"}
      - name: db-1
        hostname: db-1
        data_center: uk-lon-01
        interfaces: [{network: uk-lon-01-public, state: detached}]
`

func TestRoundTripOnEveryEngine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		require.Equal(t, 13, b.apply(t, roundTrip))
		require.Empty(t, b.plan(t, roundTrip), "a second plan changes nothing")
		webPublic := b.iface(t, "web-1.acme.katapult.cloud", "uk-lon-01-public")

		edited := edit(t, roundTrip,
			"name: Public Network", "name: Public",
			"gateway: 10.0.0.1,", "gateway: 10.0.0.6,",
			`      - name: db-1
        hostname: db-1
        data_center: uk-lon-01
        interfaces: [{network: uk-lon-01-public, state: detached}]
`, "",
		) + "  - {name: Initech, sub_domain: initech}\n"
		require.Equal(t, []string{
			"delete virtual machine db-1 of acme",
			`update network uk-lon-01-public: name "Public Network" -> Public`,
			"update pool 10.0.0.0/29 in uk-lon-01-small: gateway 10.0.0.1 -> 10.0.0.6",
			"create organization initech",
		}, b.plan(t, edited))

		require.Equal(t, 4, b.apply(t, edited))
		require.Empty(t, b.plan(t, edited))

		// The database holds the edited file.
		network, err := b.st.NetworkGetBy(b.ctx, "permalink", "uk-lon-01-public")
		require.NoError(t, err)
		require.Equal(t, "Public", network.Name)
		small, err := b.st.NetworkGetBy(b.ctx, "permalink", "uk-lon-01-small")
		require.NoError(t, err)
		pools, err := b.st.PoolList(b.ctx, small.ID)
		require.NoError(t, err)
		require.Len(t, pools, 1)
		require.Equal(t, "10.0.0.6", pools[0].Gateway.String())
		require.Equal(t, "10.0.0.0-10.0.0.3", pools[0].Ranges[0].String())
		initech, err := b.st.OrganizationGetBy(b.ctx, "sub_domain", "initech")
		require.NoError(t, err)
		require.Equal(t, "initech.katapult.cloud", initech.InfrastructureDomain)
		_, err = b.st.VirtualMachineGetBy(b.ctx, "fqdn", "db-1.acme.katapult.cloud")
		require.ErrorIs(t, err, domain.ErrNotFound)
		kept := b.iface(t, "web-1.acme.katapult.cloud", "uk-lon-01-public")
		require.Equal(t, webPublic.ID, kept.ID)
		require.Equal(t, webPublic.MACAddress, kept.MACAddress,
			"an interface without a MAC address in the file keeps its own")
		require.Equal(t, "3a:88:29:cc:bb:01", b.iface(t, "web-1.acme.katapult.cloud", "uk-lon-01-small").MACAddress)

		entries, _, err := b.svc.AuditLog(b.ctx, store.AuditListParams{
			ObjectType: "network", Page: domain.Page{Number: 1, PerPage: 1},
		})
		require.NoError(t, err)
		require.Equal(t, "ipd apply", entries[0].Actor)
	})
}

// iface returns the interface of the virtual machine fqdn on the network.
func (b *testBundle) iface(t *testing.T, fqdn, network string) domain.Interface {
	t.Helper()
	vm, err := b.st.VirtualMachineGetBy(b.ctx, "fqdn", fqdn)
	require.NoError(t, err)
	n, err := b.st.NetworkGetBy(b.ctx, "permalink", network)
	require.NoError(t, err)
	i, err := b.st.InterfaceGetByNetwork(b.ctx, vm.ID, n.ID)
	require.NoError(t, err)
	return i
}

func TestDefaultsWrittenOutAreNoChange(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	b.apply(t, roundTrip)
	explicit := edit(t, roundTrip,
		"gateway: 10.0.0.1,", "gateway: 10.0.0.1, strategy: lowest, reuse: fresh_first,",
		"sub_domain: acme\n", "sub_domain: acme\n    infrastructure_domain: acme.katapult.cloud\n",
		"{network: uk-lon-01-small,", "{network: uk-lon-01-small, state: attached,",
	)
	require.Empty(t, b.plan(t, explicit))
}

func TestPlanListsEveryField(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	b.apply(t, roundTrip)
	edited := edit(t, roundTrip,
		"time_zone: Europe/London}", "time_zone: Europe/Belfast, eu: true}",
		"name: London,", "name: London Docklands,",
		"default: true", "default: false",
		"reserved: [185.44.252.10-185.44.252.20]", "reserved: [185.44.252.10, 185.44.252.12/31]",
		", strategy: random, reuse: immediate", "",
		"sub_domain: acme\n", "sub_domain: acme\n    infrastructure_domain: acme.example\n",
		"name: web-1", "name: Web",
		`mac_address: "3A:88:29:CC:BB:01"`, `mac_address: "3a:88:29:cc:bb:09", state: detached`,
	)
	// The two pools of the public network swap places too.
	edited = edit(t, edited,
		`      - {prefix: 185.44.252.0/22, gateway: 185.44.255.254, reserved: [185.44.252.10, 185.44.252.12/31]}
      - {prefix: "2a03:2800:500::/48", gateway: "2a03:2800:500::1"}`,
		`      - {prefix: "2a03:2800:500::/48", gateway: "2a03:2800:500::1"}
      - {prefix: 185.44.252.0/22, gateway: 185.44.255.254, reserved: [185.44.252.10, 185.44.252.12/31]}`,
	)
	require.Equal(t, []string{
		"update country GB: time_zone Europe/London -> Europe/Belfast, eu false -> true",
		`update data center uk-lon-01: name London -> "London Docklands"`,
		"update network uk-lon-01-public: default true -> false",
		"update pool 2a03:2800:500::/48 in uk-lon-01-public: " +
			"strategy random -> lowest, reuse immediate -> fresh_first, position 1 -> 0",
		"update pool 185.44.252.0/22 in uk-lon-01-public: " +
			"reserved [185.44.252.10-185.44.252.20] -> [185.44.252.10, 185.44.252.12-185.44.252.13], position 0 -> 1",
		"update organization acme: infrastructure_domain acme.katapult.cloud -> acme.example",
		"update virtual machine web-1 of acme: name web-1 -> Web",
		"update interface uk-lon-01-small on web-1 of acme: " +
			"mac_address 3a:88:29:cc:bb:01 -> 3a:88:29:cc:bb:09, state attached -> detached",
	}, b.plan(t, edited))
	b.apply(t, edited)
	require.Empty(t, b.plan(t, edited))
}

// TestDeletesUnallocateAndRelease drops a virtual machine, whose address
// stays in its organization, and then the organization, whose address
// goes back to its pool.
func TestDeletesUnallocateAndRelease(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.apply(t, roundTrip)
		iface := b.iface(t, "db-1.acme.katapult.cloud", "uk-lon-01-public")
		addr, err := b.st.AddressCreate(b.ctx, store.AddressCreateParams{
			OrganizationID: iface.VirtualMachine.OrganizationID, NetworkID: iface.Network.ID,
			Version: ipam.IPv4, InterfaceID: iface.ID,
		})
		require.NoError(t, err)

		withoutDB := edit(t, roundTrip, `      - name: db-1
        hostname: db-1
        data_center: uk-lon-01
        interfaces: [{network: uk-lon-01-public, state: detached}]
`, "")
		b.apply(t, withoutDB)
		kept, err := b.st.AddressGet(b.ctx, addr.ID)
		require.NoError(t, err)
		require.Nil(t, kept.Interface, "the address is unallocated")
		require.Equal(t, addr.OrganizationID, kept.OrganizationID)

		withoutAcme := withoutDB[:strings.Index(withoutDB, "organizations:")]
		require.Equal(t, []string{"delete organization acme"}, b.plan(t, withoutAcme))
		b.apply(t, withoutAcme)
		_, err = b.st.AddressGet(b.ctx, addr.ID)
		require.ErrorIs(t, err, domain.ErrNotFound, "the address is released")
		pools, err := b.st.PoolList(b.ctx, iface.Network.ID)
		require.NoError(t, err)
		require.Zero(t, pools[0].Allocated)
	})
}

// TestDataCenterMovesBeforeItsCountryGoes shows why countries are deleted
// last: the old country still has the data center until it moves.
func TestDataCenterMovesBeforeItsCountryGoes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.apply(t, roundTrip)
		moved := edit(t, roundTrip,
			"{name: United Kingdom, iso_code2: GB, iso_code3: GBR, time_zone: Europe/London}",
			"{name: Netherlands, iso_code2: NL, iso_code3: NLD, time_zone: Europe/Amsterdam, eu: true}",
			"country: GB}", "country: NL}",
		)
		require.Equal(t, []string{
			"create country NL",
			"update data center uk-lon-01: country GB -> NL",
			"delete country GB",
		}, b.plan(t, moved))
		b.apply(t, moved)
		require.Empty(t, b.plan(t, moved))
		dc, err := b.st.DataCenterGetBy(b.ctx, "permalink", "uk-lon-01")
		require.NoError(t, err)
		require.Equal(t, "NL", dc.Country.ISOCode2)
	})
}

// TestEmptyInventoryDeletesEverything deletes children before parents;
// an organization takes its virtual machines and interfaces with it.
func TestEmptyInventoryDeletesEverything(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		b.apply(t, string(inventory.Demo))
		require.Equal(t, []string{
			"delete organization acme",
			"delete organization globex",
			"delete pool 185.44.252.0/22 in uk-lon-01-public",
			"delete pool 2a03:2800:500::/48 in uk-lon-01-public",
			"delete network uk-lon-01-public",
			"delete data center uk-lon-01",
			"delete country GB",
		}, b.plan(t, ""))
		b.apply(t, "")
		require.Empty(t, b.plan(t, ""))
		countries, total, err := b.svc.Countries(b.ctx, domain.Page{Number: 1, PerPage: 10})
		require.NoError(t, err)
		require.Zero(t, total, countries)
	})
}

func TestDemoAppliesOnceOnEveryEngine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		b := setup(t, engine)
		// A country, a data center, a network with two pools, two
		// organizations, three machines and their three interfaces.
		require.Equal(t, 13, b.apply(t, string(inventory.Demo)))
		require.Empty(t, b.plan(t, string(inventory.Demo)), "a second apply changes nothing")

		network, err := b.st.NetworkGetBy(b.ctx, "permalink", "uk-lon-01-public")
		require.NoError(t, err)
		pools, err := b.st.PoolList(b.ctx, network.ID)
		require.NoError(t, err)
		require.Len(t, pools, 2)
		require.Equal(t, "185.44.252.0/22", pools[0].Prefix.String())
		require.Equal(t, "185.44.255.254", pools[0].Gateway.String())
		iface := b.iface(t, "web-1.acme.katapult.cloud", "uk-lon-01-public")
		require.Equal(t, "3a:88:29:cc:bb:01", iface.MACAddress)
		require.Equal(t, "attached", iface.State)
	})
}

func TestParseRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	_, err := inventory.Parse(strings.NewReader("networks:\n  - name: x\n    permalnk: typo\n"))
	require.ErrorContains(t, err, "permalnk")
}

func TestPlanNamesWhatFailed(t *testing.T) {
	t.Parallel()
	base := "countries: [{name: United Kingdom, iso_code2: GB, iso_code3: GBR, time_zone: Europe/London}]\n" +
		"data_centers: [{name: London, permalink: uk-lon-01, country: GB}]\n"
	network := base + "networks: [{name: N, permalink: n, data_center: uk-lon-01}]\n"
	tests := []struct {
		name, yaml, want string
	}{
		// References to what the file does not list.
		{"unknown country", "data_centers: [{name: X, permalink: x, country: ZZ}]\n",
			"data center x: country ZZ is not in the inventory"},
		{"unknown data center", base + "networks: [{name: N, permalink: n, data_center: nowhere}]\n",
			"network n: data center nowhere is not in the inventory"},
		{"unknown network", network + "organizations: [{name: A, sub_domain: a, virtual_machines: " +
			"[{name: v, hostname: v, data_center: uk-lon-01, interfaces: [{network: m}]}]}]\n",
			"organization a: virtual machine v: interface on m: network m is not in the inventory"},

		// Keys listed twice.
		{"country twice", "countries: [{iso_code2: GB}, {iso_code2: GB}]\n", "country GB is listed twice"},
		{"pool twice", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, " +
			"pools: [{prefix: 10.0.0.0/24}, {prefix: 10.0.0.0/24}]}]\n",
			"network n: pool 10.0.0.0/24 in n is listed twice"},

		// Values that do not parse.
		{"bad prefix", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, " +
			"pools: [{prefix: 10.0.0.0/33}]}]\n", "network n: pool 10.0.0.0/33"},
		{"gateway outside", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, " +
			"pools: [{prefix: 10.0.0.0/24, gateway: 10.0.1.1}]}]\n", "gateway 10.0.1.1 is outside"},
		{"unknown strategy", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, " +
			"pools: [{prefix: 10.0.0.0/24, strategy: highest}]}]\n", "unknown strategy"},
		{"bad MAC", network + "organizations: [{name: A, sub_domain: a, virtual_machines: [{name: v, hostname: v, " +
			"data_center: uk-lon-01, interfaces: [{network: n, mac_address: nonsense}]}]}]\n",
			"organization a: virtual machine v: interface on n: mac_address"},
		{"bad state", network + "organizations: [{name: A, sub_domain: a, virtual_machines: [{name: v, hostname: v, " +
			"data_center: uk-lon-01, interfaces: [{network: n, state: unplugged}]}]}]\n",
			`state "unplugged" is not attached or detached`},
	}
	for _, tt := range tests {
		b := setup(t, "sqlite")
		_, err := inventory.NewPlan(b.ctx, b.svc, parse(t, tt.yaml))
		require.ErrorContains(t, err, tt.want, tt.name)
	}
}

func TestPlanRefusesMovingToAnotherDataCenter(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	b.apply(t, roundTrip)
	withAmsterdam := edit(t, roundTrip, "data_centers:\n",
		"data_centers:\n  - {name: Amsterdam, permalink: nl-ams-01, country: GB}\n")

	_, err := inventory.NewPlan(b.ctx, b.svc, parse(t, edit(t, withAmsterdam,
		"permalink: uk-lon-01-small\n    data_center: uk-lon-01",
		"permalink: uk-lon-01-small\n    data_center: nl-ams-01")))
	require.EqualError(t, err, "network uk-lon-01-small: data center cannot change from uk-lon-01 to nl-ams-01")

	_, err = inventory.NewPlan(b.ctx, b.svc, parse(t, edit(t, withAmsterdam,
		"hostname: web-1\n        data_center: uk-lon-01", "hostname: web-1\n        data_center: nl-ams-01")))
	require.EqualError(t, err,
		"organization acme: virtual machine web-1: data center cannot change from uk-lon-01 to nl-ams-01")
}

// TestApplyNamesTheRefusedChange shows a refusal of the service, which
// NewPlan does not check, stopping Apply with the change named.
func TestApplyNamesTheRefusedChange(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	lowerCase := "countries: [{name: X, iso_code2: gb, iso_code3: GBR, time_zone: UTC}]"
	plan, err := inventory.NewPlan(b.ctx, b.svc, parse(t, lowerCase))
	require.NoError(t, err)
	var validation *domain.ValidationError
	err = plan.Apply(b.ctx)
	require.ErrorAs(t, err, &validation)
	require.ErrorContains(t, err, "create country gb: ")
}

// TestUnlistedMachinesAreLeftAlone shows the one exception to the full
// sync: an organization without a virtual_machines key keeps the machines
// the operator API registered, and a machine without an interfaces key
// keeps its interfaces; an empty list deletes them.
func TestUnlistedMachinesAreLeftAlone(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	unmanaged := edit(t, roundTrip, roundTrip[strings.Index(roundTrip, "    virtual_machines:"):], "")
	b.apply(t, unmanaged)
	org, err := b.st.OrganizationGetBy(b.ctx, "sub_domain", "acme")
	require.NoError(t, err)
	dc, err := b.st.DataCenterGetBy(b.ctx, "permalink", "uk-lon-01")
	require.NoError(t, err)
	_, err = b.svc.CreateVirtualMachine(b.ctx, service.VirtualMachineSpec{
		OrganizationID: &org.ID, DataCenterID: &dc.ID, Name: new("provisioned"), Hostname: new("provisioned"),
	})
	require.NoError(t, err)

	require.Empty(t, b.plan(t, unmanaged), "the provisioned machine is not the file's")
	require.Equal(t, []string{"delete virtual machine provisioned of acme"},
		b.plan(t, unmanaged+"    virtual_machines: []\n"))

	require.Contains(t, b.plan(t, roundTrip), "delete virtual machine provisioned of acme",
		"once the file lists acme's machines, they are all it keeps")
	b.apply(t, roundTrip)
	noInterfaces := edit(t, roundTrip, "        interfaces: [{network: uk-lon-01-public, state: detached}]\n", "")
	require.Empty(t, b.plan(t, noInterfaces), "db-1 keeps its interface")
	withNone := edit(t, roundTrip, "        interfaces: [{network: uk-lon-01-public, state: detached}]\n",
		"        interfaces: []\n")
	require.Equal(t, []string{"delete interface uk-lon-01-public on db-1 of acme"}, b.plan(t, withNone))
}
