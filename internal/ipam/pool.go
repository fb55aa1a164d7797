package ipam

import (
	"errors"
	"fmt"
	"net/netip"
)

// Pool is a prefix of one IP version from which addresses are handed out,
// with the addresses it must never hand out. The zero Pool is invalid.
type Pool struct {
	// Prefix is the subnet the pool belongs to; addresses are shown with its
	// length as their mask.
	Prefix netip.Prefix `json:"prefix"`

	// Ranges, when set, narrows the pool to these spans of Prefix; when
	// empty the whole prefix is used.
	Ranges []Range `json:"ranges"`

	// Gateway is the subnet's router, never handed out. The zero Addr means
	// the subnet has none.
	Gateway netip.Addr `json:"gateway,omitzero"`

	// Reserved are addresses the pool must never hand out, such as those of
	// switches or anycast services.
	Reserved []Range `json:"reserved"`
}

// Validate reports why p cannot be used, naming each offending part, or
// nil. When there are several problems the error joins them (see
// errors.Join), one per part.
func (p Pool) Validate() error {
	if !p.Prefix.IsValid() || checkPoolable(p.Prefix.Addr()) != nil {
		return errors.New("prefix is not a valid IPv4 or IPv6 prefix")
	}
	if p.Prefix != p.Prefix.Masked() {
		return fmt.Errorf("prefix %s has host bits set; did you mean %s?", p.Prefix, p.Prefix.Masked())
	}
	whole := RangeOf(p.Prefix)
	var problems []error
	if p.Gateway.IsValid() && !whole.Contains(p.Gateway) {
		problems = append(problems, fmt.Errorf("gateway %s is outside %s", p.Gateway, p.Prefix))
	}
	for _, r := range p.Ranges {
		if !r.IsValid() || !whole.Contains(r.From) || !whole.Contains(r.To) {
			problems = append(problems, fmt.Errorf("allocation range %s is outside %s", r, p.Prefix))
		}
	}
	for _, r := range p.Reserved {
		if !r.IsValid() || !whole.Contains(r.From) || !whole.Contains(r.To) {
			problems = append(problems, fmt.Errorf("reserved range %s is outside %s", r, p.Prefix))
		}
	}
	return errors.Join(problems...)
}

// Version returns the IP version of the pool's prefix.
func (p Pool) Version() Version {
	return VersionOf(p.Prefix.Addr())
}

// Span returns the smallest range that holds every address the pool can
// hand out: the prefix's own range.
func (p Pool) Span() Range {
	return RangeOf(p.Prefix)
}

// Allocatable reports whether the pool may ever hand out a. It is the one
// rule for that question: the allocator's free space is built from the same
// two lists (see FreeSpace), and explicit requests for an address check it.
func (p Pool) Allocatable(a netip.Addr) bool {
	return containedIn(p.usable(), a) && !containedIn(p.excluded(), a)
}

// FreeSpace returns the addresses of a pool from which nothing has been
// handed out yet: the usable ranges less the excluded addresses, sorted and
// disjoint. Its length depends on the number of exclusions, not on the
// size of the prefix.
func (p Pool) FreeSpace() []Range {
	return Subtract(p.usable(), p.excluded())
}

// Capacity returns how many addresses the pool can hand out in all.
func (p Pool) Capacity() Uint128 {
	var n Uint128
	for _, r := range p.FreeSpace() {
		n = n.Add(r.Size())
	}
	return n
}

// usable returns the spans addresses may come from: the explicit ranges, or
// the whole prefix.
func (p Pool) usable() []Range {
	if len(p.Ranges) > 0 {
		return p.Ranges
	}
	return []Range{p.Span()}
}

// excluded returns every address the pool must never hand out, wherever it
// sits in the prefix:
//
//   - IPv4 shorter than /31: the network and broadcast addresses. A /31 is a
//     point-to-point link whose two addresses are both hosts (RFC 3021), and
//     a /32 is one host.
//   - IPv6 shorter than /127: the subnet-router anycast address, whose host
//     bits are all zero (RFC 4291). A /127 gives both addresses (RFC 6164)
//     and a /128 its one.
//   - the gateway and the reserved ranges, in both versions.
func (p Pool) excluded() []Range {
	span := p.Span()
	var out []Range
	switch {
	case p.Prefix.Addr().Is4() && p.Prefix.Bits() < 31:
		out = append(out, Range{From: span.From, To: span.From}, Range{From: span.To, To: span.To})
	case p.Prefix.Addr().Is6() && p.Prefix.Bits() < 127:
		out = append(out, Range{From: span.From, To: span.From})
	}
	if p.Gateway.IsValid() {
		out = append(out, Range{From: p.Gateway, To: p.Gateway})
	}
	return append(out, p.Reserved...)
}

func containedIn(ranges []Range, a netip.Addr) bool {
	for _, r := range ranges {
		if r.Contains(a) {
			return true
		}
	}
	return false
}
