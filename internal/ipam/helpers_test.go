package ipam_test

import (
	"math/big"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/ipam"
)

// rg builds a Range from "A", "A-B" or "A/N" without ParseRange, so that
// tables of other functions do not depend on it. A malformed row panics.
func rg(s string) ipam.Range {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		return ipam.RangeOf(netip.MustParsePrefix(s))
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		to = from
	}
	return ipam.Range{From: netip.MustParseAddr(from), To: netip.MustParseAddr(to)}
}

// rgs builds a list of ranges from comma-separated rg forms; "" is nil.
func rgs(s string) []ipam.Range {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []ipam.Range
	for _, part := range strings.Split(s, ",") {
		out = append(out, rg(part))
	}
	return out
}

// ip parses an address with netip, which accepts zones and mapped forms.
func ip(s string) netip.Addr {
	return netip.MustParseAddr(s)
}

// bigOf returns the value of a's 4 or 16 bytes, computed without Uint128.
func bigOf(a netip.Addr) *big.Int {
	return new(big.Int).SetBytes(a.AsSlice())
}

// bigSize returns the number of addresses from r.From to r.To.
func bigSize(r ipam.Range) *big.Int {
	n := new(big.Int).Sub(bigOf(r.To), bigOf(r.From))
	return n.Add(n, big.NewInt(1))
}

// addrFromBig returns the address of the given family whose value is n.
func addrFromBig(n *big.Int, is4 bool) netip.Addr {
	size := 16
	if is4 {
		size = 4
	}
	a, _ := netip.AddrFromSlice(n.FillBytes(make([]byte, size)))
	return a
}

// inSet reports whether a lies in one of rs, by comparing values through
// math/big rather than through Range.Contains.
func inSet(rs []ipam.Range, a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	v := bigOf(a)
	for _, r := range rs {
		if r.From.Is4() == a.Is4() && bigOf(r.From).Cmp(v) <= 0 && v.Cmp(bigOf(r.To)) <= 0 {
			return true
		}
	}
	return false
}

// requireSet fails unless rs is what FreeSpace and Normalize promise: valid
// ranges, sorted IPv4 first, disjoint and with a gap between neighbours.
func requireSet(t testing.TB, rs []ipam.Range, what string) {
	t.Helper()
	for i, r := range rs {
		require.True(t, r.IsValid(), "%s = %v: got invalid range %s at %d; want valid", what, rs, r, i)
		if i == 0 {
			continue
		}
		prev := rs[i-1]
		require.Negative(t, prev.To.Compare(r.From),
			"%s = %v: got %s before %s; want sorted and disjoint", what, rs, prev, r)
		require.False(t, prev.To.Next() == r.From,
			"%s = %v: got %s touching %s; want them joined", what, rs, prev, r)
	}
}
