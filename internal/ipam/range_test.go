package ipam_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/ipam"
)

// The top IPv6 addresses, where Next runs out.
const (
	top6  = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
	top6m = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"
)

func TestRangeOf(t *testing.T) {
	t.Parallel()

	tests := []struct {
		prefix   string
		from, to string
	}{
		// IPv4.
		{"0.0.0.0/0", "0.0.0.0", "255.255.255.255"},
		{"10.0.0.0/8", "10.0.0.0", "10.255.255.255"},
		{"192.168.4.0/22", "192.168.4.0", "192.168.7.255"},
		{"192.168.1.0/24", "192.168.1.0", "192.168.1.255"},
		{"10.0.0.8/29", "10.0.0.8", "10.0.0.15"},
		{"10.0.0.4/31", "10.0.0.4", "10.0.0.5"},
		{"10.0.0.7/32", "10.0.0.7", "10.0.0.7"},
		{"255.255.255.254/31", "255.255.255.254", "255.255.255.255"},
		// IPv4 with host bits set is masked first.
		{"10.1.2.3/8", "10.0.0.0", "10.255.255.255"},
		{"192.168.5.77/22", "192.168.4.0", "192.168.7.255"},
		// IPv6.
		{"::/0", "::", top6},
		{"2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:db8:1::/48", "2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff"},
		{"2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8:0:2::/63", "2001:db8:0:2::", "2001:db8:0:3:ffff:ffff:ffff:ffff"},
		{"2001:db8::/65", "2001:db8::", "2001:db8::7fff:ffff:ffff:ffff"},
		{"2001:db8::/96", "2001:db8::", "2001:db8::ffff:ffff"},
		{"2001:db8::/127", "2001:db8::", "2001:db8::1"},
		{"2001:db8::5/128", "2001:db8::5", "2001:db8::5"},
		{top6m + "/127", top6m, top6},
		{top6 + "/128", top6, top6},
		// IPv6 with host bits set is masked first.
		{"2001:db8::1234/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"},
	}
	for _, tt := range tests {
		got := ipam.RangeOf(netip.MustParsePrefix(tt.prefix))
		want := ipam.Range{From: ip(tt.from), To: ip(tt.to)}
		require.Equal(t, want, got, "RangeOf(%s): got %s; want %s", tt.prefix, got, want)
	}
}

func TestParseRange(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   string
		want string // Range.String; "" when in is rejected
	}{
		// One address.
		{"10.0.0.1", "10.0.0.1"},
		{"2001:DB8::1", "2001:db8::1"},
		{" 10.0.0.1 ", "10.0.0.1"},
		// A-B, inclusive, spaces allowed around the dash.
		{"10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9"},
		{"10.0.0.1 - 10.0.0.9", "10.0.0.1-10.0.0.9"},
		{"10.0.0.5-10.0.0.5", "10.0.0.5"},
		{"0.0.0.0-255.255.255.255", "0.0.0.0-255.255.255.255"},
		{"2001:db8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff"},
		{"2001:0DB8::1-2001:db8:0:0:0:0:0:ff", "2001:db8::1-2001:db8::ff"},
		{top6m + "-" + top6, top6m + "-" + top6},
		// A/N.
		{"10.0.0.0/24", "10.0.0.0-10.0.0.255"},
		{"10.0.0.7/32", "10.0.0.7"},
		{"2001:db8::/64", "2001:db8::-2001:db8::ffff:ffff:ffff:ffff"},
		{"::/0", "::-" + top6},
		// Reversed.
		{"10.0.0.9-10.0.0.1", ""},
		{"2001:db8::9-2001:db8::1", ""},
		// Mixed families, including values that would be in order.
		{"10.0.0.1-2001:db8::1", ""},
		{"2001:db8::1-10.0.0.1", ""},
		{"0.0.0.1-::2", ""},
		// Bad ends.
		{"10.0.0.1-", ""},
		{"-10.0.0.1", ""},
		{"10.0.0.1-10.0.0.2-10.0.0.3", ""},
		{"010.0.0.1-10.0.0.2", ""},
		{"10.0.0.1-10.0.0.02", ""},
		{"fe80::1%eth0", ""},
		{"fe80::1%eth0-fe80::2", ""},
		{"fe80::1-fe80::2%eth0", ""},
		{"::ffff:1.2.3.4", ""},
		{"::ffff:1.2.3.4-::ffff:1.2.3.5", ""},
		// Bad prefixes.
		{"10.0.0.0/33", ""},
		{"10.0.0.0/-1", ""},
		{"10.0.0.0/", ""},
		{"2001:db8::/129", ""},
		{"fe80::%eth0/64", ""},
		{"10.0.0.0/24-10.0.1.0/24", ""},
		// Garbage.
		{"", ""},
		{"-", ""},
		{"garbage", ""},
	}
	for _, tt := range tests {
		got, err := ipam.ParseRange(tt.in)
		if tt.want == "" {
			require.Error(t, err, "ParseRange(%q): got %s, nil; want an error", tt.in, got)
			require.Equal(t, ipam.Range{}, got, "ParseRange(%q): got %s; want the zero Range", tt.in, got)
			continue
		}
		require.NoError(t, err, "ParseRange(%q): got error %v; want %s", tt.in, err, tt.want)
		require.True(t, got.IsValid(), "ParseRange(%q): got invalid %s; want %s", tt.in, got, tt.want)
		require.Equal(t, tt.want, got.String(), "ParseRange(%q): got %s; want %s", tt.in, got, tt.want)
	}
}

// TestParseRangeMappedPrefix shows that the A/N form lets in the IPv4-mapped
// addresses that ParseAddr, and so the A and A-B forms, reject.
func TestParseRangeMappedPrefix(t *testing.T) {
	t.Parallel()

	for _, in := range []string{"::ffff:10.0.0.0/120", "::ffff:0:0/96", "::ffff:1.2.3.4/128"} {
		got, err := ipam.ParseRange(in)
		require.Error(t, err, "ParseRange(%q): got %s, nil; want an error, as for %q",
			in, got, got.From.String())
	}
}

func TestRangeIsValid(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r    ipam.Range
		want bool
	}{
		{rg("10.0.0.1"), true},
		{rg("10.0.0.1-10.0.0.2"), true},
		{rg("2001:db8::1-2001:db8::2"), true},
		{rg("10.0.0.2-10.0.0.1"), false},
		{rg("0.0.0.1-::2"), false},
		{rg("::1-0.0.0.2"), false},
		{ipam.Range{}, false},
		{ipam.Range{From: ip("10.0.0.1")}, false},
		{ipam.Range{To: ip("10.0.0.1")}, false},
	}
	for _, tt := range tests {
		got := tt.r.IsValid()
		require.Equal(t, tt.want, got, "Range{%s, %s}.IsValid(): got %v; want %v", tt.r.From, tt.r.To, got, tt.want)
	}
}

func TestRangeContains(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r    string
		addr string
		want bool
	}{
		// IPv4: both ends are in, their neighbours are not.
		{"10.0.0.1-10.0.0.5", "10.0.0.0", false},
		{"10.0.0.1-10.0.0.5", "10.0.0.1", true},
		{"10.0.0.1-10.0.0.5", "10.0.0.3", true},
		{"10.0.0.1-10.0.0.5", "10.0.0.5", true},
		{"10.0.0.1-10.0.0.5", "10.0.0.6", false},
		{"10.0.0.7", "10.0.0.6", false},
		{"10.0.0.7", "10.0.0.7", true},
		{"10.0.0.7", "10.0.0.8", false},
		{"0.0.0.0-255.255.255.255", "0.0.0.0", true},
		{"0.0.0.0-255.255.255.255", "255.255.255.255", true},
		// IPv6, across the boundary of the 64-bit halves.
		{"2001:db8::/64", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{"2001:db8::/64", "2001:db8::", true},
		{"2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", true},
		{"2001:db8::/64", "2001:db8:0:1::", false},
		{"2001:db8::ffff:ffff:ffff:ffff-2001:db8:0:1::", "2001:db8::ffff:ffff:ffff:fffe", false},
		{"2001:db8::ffff:ffff:ffff:ffff-2001:db8:0:1::", "2001:db8:0:1::", true},
		// IPv6 at the top of the space.
		{top6m + "-" + top6, top6, true},
		{top6m + "-" + top6, top6m, true},
		{top6m + "-" + top6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd", false},
		{"::/0", "::", true},
		{"::/0", top6, true},
		// The other family is never contained, even with the same value.
		{"10.0.0.0/24", "::a00:1", false},
		{"10.0.0.0/24", "::ffff:10.0.0.1", false},
		{"0.0.0.0/0", "::", false},
		{"::-::ffff:ffff", "10.0.0.1", false},
		{"::-::ffff:ffff", "0.0.0.0", false},
		{"::/0", "10.0.0.1", false},
		{"::/0", "255.255.255.255", false},
		// An IPv4-mapped address is an IPv6 address.
		{"::/0", "::ffff:10.0.0.1", true},
	}
	for _, tt := range tests {
		r, a := rg(tt.r), ip(tt.addr)
		got := r.Contains(a)
		require.Equal(t, tt.want, got, "(%s).Contains(%s): got %v; want %v", r, a, got, tt.want)
	}

	// The zero Addr is in no range.
	for _, r := range rgs("0.0.0.0/0, ::/0") {
		require.False(t, r.Contains(netip.Addr{}), "(%s).Contains(zero Addr): got true; want false", r)
	}
}

// TestRangeContainsZone shows that a zoned address is contained or not
// depending on whether its value sits at an end of the range: Addr.Compare
// orders fe80::1%eth0 after fe80::1, so only the ends see the zone.
// netip.Prefix.Contains never contains a zoned address, and ipd has no use
// for one (ParseAddr rejects them), so neither should Range.Contains and
// Pool.Allocatable; today a zoned spelling of the gateway is allocatable.
func TestRangeContainsZone(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r    string
		addr string
	}{
		{"fe80::1", "fe80::1%eth0"},
		{"fe80::-fe80::1", "fe80::1%eth0"},
		{"fe80::1-fe80::2", "fe80::1%eth0"},
		{"fe80::-fe80::2", "fe80::1%eth0"},
		{"fe80::/64", "fe80::1%eth0"},
	}
	for _, tt := range tests {
		r, a := rg(tt.r), ip(tt.addr)
		got := r.Contains(a)
		require.False(t, got, "(%s).Contains(%s): got %v; want false", r, a, got)
	}

	p := ipam.Pool{Prefix: netip.MustParsePrefix("fe80::/64"), Gateway: ip("fe80::1")}
	a := ip("fe80::1%eth0")
	require.False(t, p.Allocatable(a), "Pool{%s, gateway %s}.Allocatable(%s): got true; want false",
		p.Prefix, p.Gateway, a)
}

func TestRangeOverlaps(t *testing.T) {
	t.Parallel()

	tests := []struct {
		a, b string
		want bool
	}{
		// IPv4.
		{"10.0.0.1-10.0.0.5", "10.0.0.5-10.0.0.9", true},
		{"10.0.0.1-10.0.0.5", "10.0.0.6-10.0.0.9", false},
		{"10.0.0.1-10.0.0.9", "10.0.0.3-10.0.0.4", true},
		{"10.0.0.1-10.0.0.5", "10.0.0.1-10.0.0.5", true},
		{"10.0.0.1-10.0.0.5", "10.0.0.0-10.0.0.1", true},
		{"10.0.0.3", "10.0.0.3", true},
		{"10.0.0.3", "10.0.0.4", false},
		{"0.0.0.0", "255.255.255.255", false},
		// IPv6, across the boundary of the 64-bit halves and at the top.
		{"2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff-2001:db8:0:1::", true},
		{"2001:db8::/64", "2001:db8:0:1::/64", false},
		{"2001:db8::/32", "2001:db8:5::/48", true},
		{top6m, top6, false},
		{top6m + "-" + top6, top6, true},
		{"::/0", top6, true},
		// Families never overlap, even with the same values.
		{"0.0.0.0/0", "::-::ffff:ffff", false},
		{"10.0.0.1", "::a00:1", false},
		{"0.0.0.0/0", "::/0", false},
	}
	for _, tt := range tests {
		a, b := rg(tt.a), rg(tt.b)
		got := a.Overlaps(b)
		require.Equal(t, tt.want, got, "(%s).Overlaps(%s): got %v; want %v", a, b, got, tt.want)
		back := b.Overlaps(a)
		require.Equal(t, tt.want, back, "(%s).Overlaps(%s): got %v; want %v", b, a, back, tt.want)
	}
}

func TestRangeAdjacent(t *testing.T) {
	t.Parallel()

	tests := []struct {
		a, b string
		want bool // a.Adjacent(b): b starts right after a
	}{
		// IPv4: order matters, and overlap or a gap is not adjacency.
		{"10.0.0.1-10.0.0.5", "10.0.0.6-10.0.0.9", true},
		{"10.0.0.6-10.0.0.9", "10.0.0.1-10.0.0.5", false},
		{"10.0.0.1-10.0.0.5", "10.0.0.7-10.0.0.9", false},
		{"10.0.0.1-10.0.0.5", "10.0.0.5-10.0.0.9", false},
		{"10.0.0.255", "10.0.1.0", true},
		// No wrapping at the top of IPv4.
		{"255.255.255.254-255.255.255.255", "0.0.0.0", false},
		// IPv6, across the boundary of the 64-bit halves.
		{"2001:db8::/64", "2001:db8:0:1::/64", true},
		{"2001:db8::/64", "2001:db8:0:1::1", false},
		{top6m, top6, true},
		{top6, "::", false},
		// Consecutive values of different families are not adjacent.
		{"0.0.0.0-0.0.0.1", "::2", false},
		{"::-::1", "0.0.0.2", false},
		{"255.255.255.255", "::1:0:0", false},
	}
	for _, tt := range tests {
		a, b := rg(tt.a), rg(tt.b)
		got := a.Adjacent(b)
		require.Equal(t, tt.want, got, "(%s).Adjacent(%s): got %v; want %v", a, b, got, tt.want)
	}
}

func TestRangeSize(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r    string
		want string
	}{
		// IPv4.
		{"10.0.0.1", "1"},
		{"10.0.0.1-10.0.0.5", "5"},
		{"10.0.0.0/24", "256"},
		{"10.0.0.0/8", "16777216"},
		{"0.0.0.0/0", "4294967296"},
		{"255.255.255.255", "1"},
		// IPv6, across the boundary of the 64-bit halves and at the top.
		{"2001:db8::1", "1"},
		{"2001:db8::ffff:ffff:ffff:ffff-2001:db8:0:1::", "2"},
		{"2001:db8::/64", "18446744073709551616"},
		{"2001:db8::1-2001:db8::ffff:ffff:ffff:ffff", "18446744073709551615"},
		{"2001:db8::/48", "1208925819614629174706176"},
		{"2001:db8::/32", "79228162514264337593543950336"},
		{"::/1", "170141183460469231731687303715884105728"},
		{top6m + "-" + top6, "2"},
		{"::1-" + top6, "340282366920938463463374607431768211455"},
		// All of IPv6 wraps to 0, as documented.
		{"::/0", "0"},
	}
	for _, tt := range tests {
		r := rg(tt.r)
		got := r.Size().String()
		require.Equal(t, tt.want, got, "(%s).Size(): got %s; want %s", r, got, tt.want)
	}
}

func TestRangeString(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r    ipam.Range
		want string
	}{
		{rg("10.0.0.1"), "10.0.0.1"},
		{rg("10.0.0.1-10.0.0.2"), "10.0.0.1-10.0.0.2"},
		{rg("2001:db8::/127"), "2001:db8::-2001:db8::1"},
	}
	for _, tt := range tests {
		got := tt.r.String()
		require.Equal(t, tt.want, got, "Range{%s, %s}.String(): got %s; want %s", tt.r.From, tt.r.To, got, tt.want)
	}
}

func TestRangeWithout(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r    string
		addr string
		want string // rgs form of what is left
	}{
		// IPv4: a single address leaves nothing.
		{"10.0.0.5", "10.0.0.5", ""},
		// IPv4: at From, at To, inside.
		{"10.0.0.1-10.0.0.5", "10.0.0.1", "10.0.0.2-10.0.0.5"},
		{"10.0.0.1-10.0.0.5", "10.0.0.5", "10.0.0.1-10.0.0.4"},
		{"10.0.0.1-10.0.0.5", "10.0.0.3", "10.0.0.1-10.0.0.2, 10.0.0.4-10.0.0.5"},
		{"10.0.0.1-10.0.0.2", "10.0.0.1", "10.0.0.2"},
		{"10.0.0.1-10.0.0.2", "10.0.0.2", "10.0.0.1"},
		{"10.0.0.1-10.0.0.3", "10.0.0.2", "10.0.0.1, 10.0.0.3"},
		// IPv4 at the ends of the space.
		{"0.0.0.0/0", "0.0.0.0", "0.0.0.1-255.255.255.255"},
		{"0.0.0.0/0", "255.255.255.255", "0.0.0.0-255.255.255.254"},
		{"0.0.0.0/0", "10.0.0.0", "0.0.0.0-9.255.255.255, 10.0.0.1-255.255.255.255"},
		// IPv6: a single address, at From, at To, inside.
		{"2001:db8::5", "2001:db8::5", ""},
		{"2001:db8::/64", "2001:db8::", "2001:db8::1-2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", "2001:db8::-2001:db8::ffff:ffff:ffff:fffe"},
		{
			"2001:db8::/64",
			"2001:db8::1:0:0",
			"2001:db8::-2001:db8::ffff:ffff, 2001:db8::1:0:1-2001:db8::ffff:ffff:ffff:ffff",
		},
		// IPv6 across the boundary of the 64-bit halves.
		{
			"2001:db8::ffff:ffff:ffff:fffe-2001:db8:0:1::1", "2001:db8:0:1::",
			"2001:db8::ffff:ffff:ffff:fffe-2001:db8::ffff:ffff:ffff:ffff, 2001:db8:0:1::1",
		},
		{
			"2001:db8::ffff:ffff:ffff:fffe-2001:db8:0:1::1", "2001:db8::ffff:ffff:ffff:ffff",
			"2001:db8::ffff:ffff:ffff:fffe, 2001:db8:0:1::-2001:db8:0:1::1",
		},
		// IPv6 at the ends of the space.
		{top6m + "-" + top6, top6, top6m},
		{top6m + "-" + top6, top6m, top6},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd-" + top6, top6m, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd, " + top6},
		{"::/0", "::", "::1-" + top6},
		{"::/0", top6, "::-" + top6m},
	}
	for _, tt := range tests {
		r, a := rg(tt.r), ip(tt.addr)
		got, want := r.Without(a), rgs(tt.want)
		require.Equal(t, want, got, "(%s).Without(%s): got %v; want %v", r, a, got, want)
	}
}

func TestRangeAt(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r      string
		hi, lo uint64
		want   string
	}{
		// IPv4.
		{"10.0.0.0/24", 0, 0, "10.0.0.0"},
		{"10.0.0.0/24", 0, 1, "10.0.0.1"},
		{"10.0.0.0/24", 0, 255, "10.0.0.255"},
		{"10.0.0.250-10.0.1.5", 0, 6, "10.0.1.0"},
		{"0.0.0.0/0", 0, 1<<32 - 1, "255.255.255.255"},
		// IPv6, across the boundary of the 64-bit halves and at the top.
		{"2001:db8::/64", 0, max64, "2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8::ffff:ffff:ffff:fffe-2001:db8:0:1::1", 0, 2, "2001:db8:0:1::"},
		{"2001:db8::/32", 1, 0, "2001:db8::1:0:0:0:0"},
		{"2001:db8::/32", 0xffff_ffff, max64, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
		{top6m + "-" + top6, 0, 1, top6},
		{"::/0", max64, max64, top6},
		{"::/0", 1 << 63, 0, "8000::"},
	}
	for _, tt := range tests {
		r, n := rg(tt.r), ipam.NewUint128(tt.hi, tt.lo)
		got := r.At(n)
		require.Equal(t, ip(tt.want), got, "(%s).At(%s): got %s; want %s", r, n, got, tt.want)
	}
}

func TestRangeRandom(t *testing.T) {
	t.Parallel()

	tests := []struct {
		r        string
		allSeen  bool // whether 2000 draws must reach every address
		draws    int
		wantSize int
	}{
		// Small ranges: every address, both ends included, comes up.
		{"10.0.0.7", true, 50, 1},
		{"10.0.0.0-10.0.0.3", true, 2000, 4},
		{"10.0.0.254-10.0.1.1", true, 2000, 4},
		{"255.255.255.252-255.255.255.255", true, 2000, 4},
		{"0.0.0.0-0.0.0.3", true, 2000, 4},
		{"2001:db8::5", true, 50, 1},
		{"2001:db8::ffff:ffff:ffff:fffe-2001:db8:0:1::1", true, 2000, 4},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc-" + top6, true, 2000, 4},
		{top6m + "-" + top6, true, 2000, 2},
		{"::-::3", true, 2000, 4},
		// Large ranges: always inside.
		{"10.0.0.0/8", false, 2000, 0},
		{"0.0.0.0/0", false, 2000, 0},
		{"2001:db8::/64", false, 2000, 0},
		{"2001:db8::/32", false, 2000, 0},
		{"8000::/1", false, 2000, 0},
		{"::/0", false, 2000, 0},
	}
	for _, tt := range tests {
		r := rg(tt.r)
		seen := map[netip.Addr]bool{}
		for range tt.draws {
			got := r.Random()
			require.True(t, inSet([]ipam.Range{r}, got), "(%s).Random(): got %s; want an address inside", r, got)
			seen[got] = true
		}
		if tt.allSeen {
			require.Len(t, seen, tt.wantSize, "(%s).Random() in %d draws: got %v; want all %d addresses",
				r, tt.draws, seen, tt.wantSize)
			require.True(t, seen[r.From] && seen[r.To], "(%s).Random() in %d draws: got %v; want both ends",
				r, tt.draws, seen)
		}
	}

	// Large ranges spread over both 64-bit halves rather than sticking to one.
	r := rg("::/0")
	var highHalf, lowHalf bool
	for range 200 {
		a := r.Random().As16()
		highHalf = highHalf || a[0] != 0
		lowHalf = lowHalf || a[8] != 0
	}
	require.True(t, highHalf && lowHalf, "(%s).Random() in 200 draws: got high %v, low %v; want both varied",
		r, highHalf, lowHalf)
}

func TestNormalize(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in, want string // rgs forms
	}{
		// Nothing.
		{"", ""},
		// IPv4: sorted and disjoint stays as is.
		{"10.0.0.1", "10.0.0.1"},
		{"10.0.0.1-10.0.0.4, 10.0.0.6-10.0.0.8", "10.0.0.1-10.0.0.4, 10.0.0.6-10.0.0.8"},
		// IPv4: unsorted.
		{"10.0.0.5-10.0.0.6, 10.0.0.1-10.0.0.2", "10.0.0.1-10.0.0.2, 10.0.0.5-10.0.0.6"},
		// IPv4: overlapping.
		{"10.0.0.1-10.0.0.5, 10.0.0.3-10.0.0.8", "10.0.0.1-10.0.0.8"},
		{"10.0.0.3-10.0.0.8, 10.0.0.1-10.0.0.5", "10.0.0.1-10.0.0.8"},
		{"10.0.0.1-10.0.0.5, 10.0.0.5-10.0.0.8", "10.0.0.1-10.0.0.8"},
		{"10.0.0.3, 10.0.0.3", "10.0.0.3"},
		// IPv4: touching.
		{"10.0.0.1-10.0.0.4, 10.0.0.5-10.0.0.8", "10.0.0.1-10.0.0.8"},
		{"10.0.0.5-10.0.0.8, 10.0.0.1-10.0.0.4", "10.0.0.1-10.0.0.8"},
		{"10.0.0.7-10.0.0.9, 10.0.0.1-10.0.0.3, 10.0.0.4-10.0.0.6", "10.0.0.1-10.0.0.9"},
		{"10.0.0.255, 10.0.1.0", "10.0.0.255-10.0.1.0"},
		// IPv4: nested; a later range with a smaller To does not shrink the first.
		{"10.0.0.1-10.0.0.9, 10.0.0.3-10.0.0.4", "10.0.0.1-10.0.0.9"},
		{"10.0.0.3-10.0.0.4, 10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9"},
		{"10.0.0.1-10.0.0.3, 10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9"},
		{"10.0.0.1-10.0.0.9, 10.0.0.2-10.0.0.3, 10.0.0.4-10.0.0.5", "10.0.0.1-10.0.0.9"},
		// IPv4 at the ends of the space: no wrapping.
		{"255.255.255.255, 255.255.255.254", "255.255.255.254-255.255.255.255"},
		{"255.255.255.255, 0.0.0.0", "0.0.0.0, 255.255.255.255"},
		// IPv6 across the boundary of the 64-bit halves.
		{"2001:db8:0:1::-2001:db8:0:1::5, 2001:db8::/64", "2001:db8::-2001:db8:0:1::5"},
		{"2001:db8::/64, 2001:db8:0:1::1", "2001:db8::/64, 2001:db8:0:1::1"},
		{"2001:db8::/48, 2001:db8::/64, 2001:db8:0:5::/64", "2001:db8::/48"},
		// IPv6 at the ends of the space.
		{top6 + ", " + top6m, top6m + "-" + top6},
		{top6 + ", ::", "::, " + top6},
		{"::/1, 8000::/1", "::/0"},
		// Both families: IPv4 first, never joined, even with touching values.
		{"::-::ffff:ffff, 0.0.0.0/0", "0.0.0.0/0, ::-::ffff:ffff"},
		{"::, 255.255.255.255", "255.255.255.255, ::"},
		{"::a00:1, 10.0.0.1", "10.0.0.1, ::a00:1"},
		{"::2, 0.0.0.0-0.0.0.1, ::-::1, 0.0.0.2", "0.0.0.0-0.0.0.2, ::-::2"},
	}
	for _, tt := range tests {
		in, want := rgs(tt.in), rgs(tt.want)
		before := slices.Clone(in)
		got := ipam.Normalize(in)
		require.Equal(t, want, got, "Normalize(%v): got %v; want %v", in, got, want)
		require.Equal(t, before, in, "Normalize(%v): changed its argument to %v; want it untouched", before, in)
	}
}

func TestSubtract(t *testing.T) {
	t.Parallel()

	tests := []struct {
		base, holes, want string // rgs forms
	}{
		// Nothing to take, or nothing to take from.
		{"10.0.0.1-10.0.0.9", "", "10.0.0.1-10.0.0.9"},
		{"", "10.0.0.1-10.0.0.9", ""},
		// IPv4: one hole inside, at From, at To, over everything.
		{"10.0.0.1-10.0.0.9", "10.0.0.5", "10.0.0.1-10.0.0.4, 10.0.0.6-10.0.0.9"},
		{"10.0.0.1-10.0.0.9", "10.0.0.1", "10.0.0.2-10.0.0.9"},
		{"10.0.0.1-10.0.0.9", "10.0.0.9", "10.0.0.1-10.0.0.8"},
		{"10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9", ""},
		{"10.0.0.1-10.0.0.9", "10.0.0.0-10.0.0.10", ""},
		{"10.0.0.5", "10.0.0.5", ""},
		// IPv4: holes that stick out of the base on one side.
		{"10.0.0.3-10.0.0.9", "10.0.0.1-10.0.0.4", "10.0.0.5-10.0.0.9"},
		{"10.0.0.1-10.0.0.6", "10.0.0.5-10.0.0.20", "10.0.0.1-10.0.0.4"},
		// IPv4: holes touching the base take nothing.
		{"10.0.0.3-10.0.0.5", "10.0.0.1-10.0.0.2, 10.0.0.6-10.0.0.8", "10.0.0.3-10.0.0.5"},
		// IPv4: unsorted, overlapping, touching and nested holes.
		{
			"10.0.0.1-10.0.0.20",
			"10.0.0.15, 10.0.0.3-10.0.0.4",
			"10.0.0.1-10.0.0.2, 10.0.0.5-10.0.0.14, 10.0.0.16-10.0.0.20",
		},
		{"10.0.0.1-10.0.0.20", "10.0.0.5-10.0.0.8, 10.0.0.3-10.0.0.6", "10.0.0.1-10.0.0.2, 10.0.0.9-10.0.0.20"},
		{"10.0.0.1-10.0.0.20", "10.0.0.5-10.0.0.6, 10.0.0.3-10.0.0.4", "10.0.0.1-10.0.0.2, 10.0.0.7-10.0.0.20"},
		{"10.0.0.1-10.0.0.20", "10.0.0.3-10.0.0.10, 10.0.0.4-10.0.0.5", "10.0.0.1-10.0.0.2, 10.0.0.11-10.0.0.20"},
		{"10.0.0.1-10.0.0.9", "10.0.0.9, 10.0.0.1, 10.0.0.5", "10.0.0.2-10.0.0.4, 10.0.0.6-10.0.0.8"},
		// IPv4: unsorted and overlapping bases, and a hole across two of them.
		{"10.0.0.5-10.0.0.9, 10.0.0.1-10.0.0.6", "10.0.0.3", "10.0.0.1-10.0.0.2, 10.0.0.4-10.0.0.9"},
		{"10.0.0.7-10.0.0.9, 10.0.0.1-10.0.0.3", "10.0.0.2-10.0.0.8", "10.0.0.1, 10.0.0.9"},
		{"10.0.0.1-10.0.0.3, 10.0.0.5-10.0.0.7", "10.0.0.4", "10.0.0.1-10.0.0.3, 10.0.0.5-10.0.0.7"},
		// IPv4 at the ends of the space.
		{"0.0.0.0/0", "0.0.0.0, 255.255.255.255", "0.0.0.1-255.255.255.254"},
		{"0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1"},
		// IPv6 across the boundary of the 64-bit halves.
		{"2001:db8::/64", "2001:db8::", "2001:db8::1-2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", "2001:db8::-2001:db8::ffff:ffff:ffff:fffe"},
		{
			"2001:db8::/63", "2001:db8::ffff:ffff:ffff:ffff-2001:db8:0:1::",
			"2001:db8::-2001:db8::ffff:ffff:ffff:fffe, 2001:db8:0:1::1-2001:db8:0:1:ffff:ffff:ffff:ffff",
		},
		// IPv6 at the top of the space.
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc-" + top6, top6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc-" + top6m},
		{
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc-" + top6, top6m,
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd, " + top6,
		},
		{"::/0", "::, " + top6, "::1-" + top6m},
		{"::/0", "::/0", ""},
		// Both families: each hole cuts only its own family.
		{
			"2001:db8::/126, 10.0.0.0/30", "2001:db8::2, 10.0.0.1",
			"10.0.0.0, 10.0.0.2-10.0.0.3, 2001:db8::-2001:db8::1, 2001:db8::3",
		},
		{"10.0.0.0-10.0.0.3", "::a00:0-::a00:3", "10.0.0.0-10.0.0.3"},
		{"::-::ffff:ffff", "0.0.0.0/0", "::-::ffff:ffff"},
		{"::-::ffff:ffff, 0.0.0.0/0", "::/0", "0.0.0.0/0"},
	}
	for _, tt := range tests {
		base, holes, want := rgs(tt.base), rgs(tt.holes), rgs(tt.want)
		got := ipam.Subtract(base, holes)
		require.Equal(t, want, got, "Subtract(%v, %v): got %v; want %v", base, holes, got, want)
	}
}
