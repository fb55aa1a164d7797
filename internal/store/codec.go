package store

import (
	"fmt"
	"net/netip"

	"github.com/ipd/ipd/internal/ipam"
)

// addrKey encodes a as the 16 bytes the free-range tables store: IPv4 in
// its IPv4-mapped form, so that byte order is address order for both.
func addrKey(a netip.Addr) []byte {
	b := a.As16()
	return b[:]
}

// addrFromKey decodes addrKey's bytes for a pool of version v. The version
// decides, since an IPv6 pool may hold addresses that look IPv4-mapped.
func addrFromKey(b []byte, v ipam.Version) (netip.Addr, error) {
	if len(b) != 16 {
		return netip.Addr{}, fmt.Errorf("decode address key: %d bytes, want 16", len(b))
	}
	a := netip.AddrFrom16([16]byte(b))
	if v == ipam.IPv4 {
		a = a.Unmap()
	}
	return a, nil
}

// joinRanges and parseRanges store a short list of ranges in one column.
func joinRanges(ranges []ipam.Range) string {
	items := make([]string, len(ranges))
	for i, r := range ranges {
		items[i] = r.String()
	}
	return joinList(items)
}

func parseRanges(s string) ([]ipam.Range, error) {
	var out []ipam.Range
	for _, item := range splitList(s) {
		r, err := ipam.ParseRange(item)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
