package inventory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/store/storetest"
)

func TestDemoAppliesOnceOnEveryEngine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine string) {
		t.Parallel()
		ctx := context.Background()
		st := storetest.Open(t, engine)
		inv, err := inventory.ParseDemo()
		require.NoError(t, err)

		first, err := inventory.Apply(ctx, st, inv)
		require.NoError(t, err)
		// A country, a data center, a network with two pools, two
		// organizations, three machines and their three interfaces.
		require.Equal(t, 13, first.Created)
		again, err := inventory.Apply(ctx, st, inv)
		require.NoError(t, err)
		require.Zero(t, again.Created, "a second apply changes nothing")

		network, err := st.NetworkGetBy(ctx, "permalink", "uk-lon-01-public")
		require.NoError(t, err)
		pools, err := st.PoolList(ctx, network.ID)
		require.NoError(t, err)
		require.Len(t, pools, 2)
		require.Equal(t, "185.44.252.0/22", pools[0].Prefix.String())
		require.Equal(t, "185.44.255.254", pools[0].Gateway.String())
		vm, err := st.VirtualMachineGetBy(ctx, "fqdn", "web-1.acme.katapult.cloud")
		require.NoError(t, err)
		iface, err := st.InterfaceGetByNetwork(ctx, vm.ID, network.ID)
		require.NoError(t, err)
		require.Equal(t, "3a:88:29:cc:bb:01", iface.MACAddress)
		require.Equal(t, "attached", iface.State)
	})
}

func TestParseRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	_, err := inventory.Parse(strings.NewReader("networks:\n  - name: x\n    permalnk: typo\n"))
	require.ErrorContains(t, err, "permalnk")
}

func TestApplyNamesWhatFailed(t *testing.T) {
	t.Parallel()
	base := "countries: [{name: United Kingdom, iso_code2: GB, iso_code3: GBR, time_zone: Europe/London}]\n" +
		"data_centers: [{name: London, permalink: uk-lon-01, country: GB}]\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown country", "data_centers: [{name: X, permalink: x, country: ZZ}]\n", "data center x: country ZZ"},
		{"unknown data center", base + "networks: [{name: N, permalink: n, data_center: nowhere}]\n",
			"network n: data center nowhere"},
		{"bad prefix", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, pools: [{prefix: 10.0.0.0/33}]}]\n",
			"network n: pool 10.0.0.0/33"},
		{"gateway outside", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, " +
			"pools: [{prefix: 10.0.0.0/24, gateway: 10.0.1.1}]}]\n", "gateway 10.0.1.1 is outside"},
		{"unknown strategy", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01, " +
			"pools: [{prefix: 10.0.0.0/24, strategy: highest}]}]\n", "unknown strategy"},
		{"bad MAC", base + "networks: [{name: N, permalink: n, data_center: uk-lon-01}]\n" +
			"organizations: [{name: A, sub_domain: a, virtual_machines: [{name: v, hostname: v, data_center: uk-lon-01, " +
			"interfaces: [{network: n, mac_address: nonsense}]}]}]\n", "organization a: virtual machine v: interface on n"},
	}
	for _, tt := range tests {
		inv, err := inventory.Parse(strings.NewReader(tt.yaml))
		require.NoError(t, err, tt.name)
		_, err = inventory.Apply(context.Background(), storetest.Open(t, "sqlite"), inv)
		require.ErrorContains(t, err, tt.want, tt.name)
	}
}
