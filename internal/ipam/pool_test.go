package ipam_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/ipam"
)

// pool builds a Pool from text: a prefix, a gateway ("" for none), and
// rgs forms of its ranges and reserved addresses.
func pool(prefix, gateway, ranges, reserved string) ipam.Pool {
	p := ipam.Pool{Prefix: netip.MustParsePrefix(prefix), Ranges: rgs(ranges), Reserved: rgs(reserved)}
	if gateway != "" {
		p.Gateway = ip(gateway)
	}
	return p
}

func TestPoolFreeSpace(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		pool ipam.Pool
		want string // rgs form
		size uint64 // 0 when it does not fit
	}{
		// IPv4 loses its network and broadcast addresses below /31.
		{"v4 /24 gateway .1", pool("192.0.2.0/24", "192.0.2.1", "", ""), "192.0.2.2-192.0.2.254", 253},
		{"v4 /24 no gateway", pool("192.0.2.0/24", "", "", ""), "192.0.2.1-192.0.2.254", 254},
		{"v4 /29 gateway .1", pool("10.0.0.0/29", "10.0.0.1", "", ""), "10.0.0.2-10.0.0.6", 5},
		{"v4 /29 gateway .6", pool("10.0.0.0/29", "10.0.0.6", "", ""), "10.0.0.1-10.0.0.5", 5},
		{"v4 /29 gateway .3", pool("10.0.0.0/29", "10.0.0.3", "", ""), "10.0.0.1-10.0.0.2, 10.0.0.4-10.0.0.6", 5},
		{
			"v4 /22 gateway at the top",
			pool("185.44.252.0/22", "185.44.255.254", "", ""),
			"185.44.252.1-185.44.255.253",
			1021,
		},
		{"v4 /30", pool("10.0.0.4/30", "", "", ""), "10.0.0.5-10.0.0.6", 2},
		{"v4 /30 gateway", pool("10.0.0.4/30", "10.0.0.5", "", ""), "10.0.0.6", 1},
		// RFC 3021: a /31 gives both addresses, a /32 its one.
		{"v4 /31", pool("10.0.0.4/31", "", "", ""), "10.0.0.4-10.0.0.5", 2},
		{"v4 /31 gateway", pool("10.0.0.4/31", "10.0.0.4", "", ""), "10.0.0.5", 1},
		{"v4 /32", pool("10.0.0.7/32", "", "", ""), "10.0.0.7", 1},
		{"v4 /32 is its gateway", pool("10.0.0.7/32", "10.0.0.7", "", ""), "", 0},
		{"v4 at the top of the space", pool("255.255.255.0/24", "", "", ""), "255.255.255.1-255.255.255.254", 254},
		{"v4 at the bottom of the space", pool("0.0.0.0/30", "", "", ""), "0.0.0.1-0.0.0.2", 2},
		// IPv4 reserved addresses and ranges, wherever they sit.
		{"v4 reserved", pool("10.0.0.0/28", "10.0.0.1", "", "10.0.0.2-10.0.0.4, 10.0.0.10"),
			"10.0.0.5-10.0.0.9, 10.0.0.11-10.0.0.14", 9},
		{"v4 reserved covering the network address", pool("10.0.0.0/29", "", "", "10.0.0.0-10.0.0.2"),
			"10.0.0.3-10.0.0.6", 4},
		{"v4 everything reserved", pool("10.0.0.0/29", "", "", "10.0.0.0/29"), "", 0},
		// IPv4 explicit ranges narrow the pool; the exclusions still apply.
		{"v4 ranges", pool("10.0.0.0/24", "10.0.0.1", "10.0.0.100-10.0.0.199", ""), "10.0.0.100-10.0.0.199", 100},
		{"v4 ranges over the edges", pool("10.0.0.0/24", "10.0.0.1", "10.0.0.0-10.0.0.3, 10.0.0.250-10.0.0.255", ""),
			"10.0.0.2-10.0.0.3, 10.0.0.250-10.0.0.254", 7},
		// IPv6 loses only its subnet-router anycast address below /127.
		{"v6 /64 gateway ::1", pool("2001:db8::/64", "2001:db8::1", "", ""),
			"2001:db8::2-2001:db8::ffff:ffff:ffff:ffff", 0},
		{"v6 /120", pool("2001:db8::/120", "", "", ""), "2001:db8::1-2001:db8::ff", 255},
		{"v6 /126 gateway ::3", pool("2001:db8::/126", "2001:db8::3", "", ""), "2001:db8::1-2001:db8::2", 2},
		// RFC 6164: a /127 gives both addresses, a /128 its one.
		{"v6 /127", pool("2001:db8::/127", "", "", ""), "2001:db8::-2001:db8::1", 2},
		{"v6 /128", pool("2001:db8::5/128", "", "", ""), "2001:db8::5", 1},
		{"v6 top /127", pool(top6m+"/127", "", "", ""), top6m + "-" + top6, 2},
		{"v6 top /64", pool("ffff:ffff:ffff:ffff::/64", "", "", ""), "ffff:ffff:ffff:ffff::1-" + top6, 0},
		{"v6 /48 reserved", pool("2a03:2800:500::/48", "2a03:2800:500::1", "", "2a03:2800:500::2-2a03:2800:500::ff"),
			"2a03:2800:500::100-2a03:2800:500:ffff:ffff:ffff:ffff:ffff", 0},
	}
	for _, tt := range tests {
		got := tt.pool.FreeSpace()
		require.Equal(t, rgs(tt.want), got, "%s: FreeSpace(): got %v; want %s", tt.name, got, tt.want)
		if tt.size > 0 {
			require.Equal(t, ipam.Uint128From(tt.size), tt.pool.Capacity(), "%s: Capacity()", tt.name)
		}
		for _, r := range got {
			require.True(t, tt.pool.Allocatable(r.From) && tt.pool.Allocatable(r.To),
				"%s: Allocatable(%s): got false at an end of the free space", tt.name, r)
		}
	}
}

func TestPoolAllocatable(t *testing.T) {
	t.Parallel()

	p := pool("10.0.0.0/28", "10.0.0.6", "", "10.0.0.10-10.0.0.11")
	p6 := pool("2001:db8::/64", "2001:db8::1", "", "2001:db8::ffff")
	tests := []struct {
		pool ipam.Pool
		addr string
		want bool
	}{
		{p, "10.0.0.0", false},  // network
		{p, "10.0.0.1", true},   // first host
		{p, "10.0.0.6", false},  // gateway
		{p, "10.0.0.7", true},   // after the gateway
		{p, "10.0.0.10", false}, // reserved
		{p, "10.0.0.11", false}, // reserved
		{p, "10.0.0.12", true},  // after the reserved range
		{p, "10.0.0.14", true},  // last host
		{p, "10.0.0.15", false}, // broadcast
		{p, "10.0.0.16", false}, // outside
		{p, "2001:db8::2", false},
		{p6, "2001:db8::", false}, // subnet-router anycast
		{p6, "2001:db8::1", false},
		{p6, "2001:db8::2", true},
		{p6, "2001:db8::ffff", false},
		{p6, "2001:db8::ffff:ffff:ffff:ffff", true}, // IPv6 has no broadcast
		{p6, "2001:db8:0:1::", false},
		{p6, "2001:db8::2%eth0", false},
		{p6, "10.0.0.1", false},
	}
	for _, tt := range tests {
		got := tt.pool.Allocatable(ip(tt.addr))
		require.Equal(t, tt.want, got, "(%s).Allocatable(%s): got %v; want %v", tt.pool.Prefix, tt.addr, got, tt.want)
	}
}

func TestPoolValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		pool    ipam.Pool
		wantErr string // "" when valid
	}{
		{"valid", pool("10.0.0.0/24", "10.0.0.1", "10.0.0.10-10.0.0.20", "10.0.0.15"), ""},
		{"zero", ipam.Pool{}, "not a valid"},
		{"host bits", pool("10.0.0.1/24", "", "", ""), "host bits"},
		{"mapped", pool("::ffff:10.0.0.0/120", "", "", ""), "not a valid"},
		{"gateway outside", pool("10.0.0.0/24", "10.0.1.1", "", ""), "gateway 10.0.1.1 is outside"},
		{"gateway of the other family", pool("10.0.0.0/24", "2001:db8::1", "", ""), "gateway"},
		{"range outside", pool("10.0.0.0/24", "", "10.0.0.250-10.0.1.5", ""), "allocation range"},
		{"reserved outside", pool("10.0.0.0/24", "", "", "10.0.2.0/24"), "reserved range"},
		{"reversed range", ipam.Pool{Prefix: netip.MustParsePrefix("10.0.0.0/24"),
			Ranges: []ipam.Range{{From: ip("10.0.0.9"), To: ip("10.0.0.1")}}}, "allocation range"},
	}
	for _, tt := range tests {
		err := tt.pool.Validate()
		if tt.wantErr == "" {
			require.NoError(t, err, tt.name)
			continue
		}
		require.ErrorContains(t, err, tt.wantErr, tt.name)
	}
}

func TestStrategyPick(t *testing.T) {
	t.Parallel()

	span := rg("10.0.0.0/24")
	require.Equal(t, span.From, ipam.Lowest.Probe(span), "Lowest probes the first address")
	for range 200 {
		require.True(t, span.Contains(ipam.Random.Probe(span)), "Random probes inside the span")
	}

	free := rg("10.0.0.10-10.0.0.20")
	tests := []struct {
		strategy ipam.Strategy
		probe    string
		want     string // "" when any address of free will do
	}{
		{ipam.Lowest, "10.0.0.0", "10.0.0.10"},
		{ipam.Lowest, "10.0.0.15", "10.0.0.15"},
		{ipam.Random, "10.0.0.15", "10.0.0.15"},
		{ipam.Random, "10.0.0.0", ""},
	}
	for _, tt := range tests {
		got := tt.strategy.Pick(free, ip(tt.probe))
		require.True(t, free.Contains(got), "%s.Pick(%s, %s): got %s outside", tt.strategy, free, tt.probe, got)
		if tt.want != "" {
			require.Equal(t, ip(tt.want), got, "%s.Pick(%s, %s)", tt.strategy, free, tt.probe)
		}
	}
}

func TestParseStrategyAndReuse(t *testing.T) {
	t.Parallel()

	for in, want := range map[string]ipam.Strategy{"": ipam.Lowest, "lowest": ipam.Lowest, "random": ipam.Random} {
		got, err := ipam.ParseStrategy(in)
		require.NoError(t, err)
		require.Equal(t, want, got, "ParseStrategy(%q)", in)
	}
	_, err := ipam.ParseStrategy("highest")
	require.Error(t, err)

	for in, want := range map[string]ipam.Reuse{"": ipam.FreshFirst, "fresh_first": ipam.FreshFirst, "immediate": ipam.Immediate} {
		got, err := ipam.ParseReuse(in)
		require.NoError(t, err)
		require.Equal(t, want, got, "ParseReuse(%q)", in)
	}
	_, err = ipam.ParseReuse("never")
	require.Error(t, err)
}
