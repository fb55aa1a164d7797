package ipam

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Range is an inclusive span of addresses of one family, From to To.
// The zero Range is invalid; so is one whose ends differ in family or
// whose From comes after its To.
type Range struct {
	From netip.Addr
	To   netip.Addr
}

// RangeOf returns the range that covers every address of the prefix p.
func RangeOf(p netip.Prefix) Range {
	p = p.Masked()
	from := p.Addr()
	hostBits := from.BitLen() - p.Bits()
	last := addrValue(from).Add(hostMask(hostBits))
	return Range{From: from, To: addrFromValue(last, from)}
}

// hostMask returns 2^bits - 1 for bits in [0, 128].
func hostMask(bits int) Uint128 {
	switch {
	case bits <= 0:
		return Uint128{}
	case bits < 64:
		return Uint128{lo: 1<<bits - 1}
	case bits < 128:
		return Uint128{hi: 1<<(bits-64) - 1, lo: ^uint64(0)}
	}
	return Uint128{hi: ^uint64(0), lo: ^uint64(0)}
}

// ParseRange parses "A" (one address), "A-B" (inclusive) or a prefix "A/N".
func ParseRange(s string) (Range, error) {
	if strings.Contains(s, "/") {
		p, err := ParsePrefix(s)
		if err != nil {
			return Range{}, fmt.Errorf("ParseRange(%q): %w", s, err)
		}
		return RangeOf(p), nil
	}
	fromText, toText, isSpan := strings.Cut(s, "-")
	from, err := ParseAddr(strings.TrimSpace(fromText))
	if err != nil {
		return Range{}, fmt.Errorf("ParseRange(%q): %w", s, err)
	}
	if !isSpan {
		return Range{From: from, To: from}, nil
	}
	to, err := ParseAddr(strings.TrimSpace(toText))
	if err != nil {
		return Range{}, fmt.Errorf("ParseRange(%q): %w", s, err)
	}
	r := Range{From: from, To: to}
	if !r.IsValid() {
		return Range{}, fmt.Errorf("ParseRange(%q): ends differ in family or are out of order", s)
	}
	return r, nil
}

// IsValid reports whether r has two valid ends of one family in order.
func (r Range) IsValid() bool {
	return r.From.IsValid() && r.To.IsValid() &&
		r.From.Is4() == r.To.Is4() && r.From.Compare(r.To) <= 0
}

// Contains reports whether a lies within r. An address of the other family
// is never contained, and neither is a zoned one: a zone names a link, not
// an address a pool could hold.
func (r Range) Contains(a netip.Addr) bool {
	return a.Is4() == r.From.Is4() && a.Zone() == "" && r.From.Compare(a) <= 0 && a.Compare(r.To) <= 0
}

// Overlaps reports whether r and o share at least one address.
func (r Range) Overlaps(o Range) bool {
	return r.From.Is4() == o.From.Is4() && r.From.Compare(o.To) <= 0 && o.From.Compare(r.To) <= 0
}

// Size returns the number of addresses in r. The one range that holds 2^128
// addresses, all of IPv6, wraps to 0.
func (r Range) Size() Uint128 {
	return addrValue(r.To).Sub(addrValue(r.From)).Add(Uint128From(1))
}

// String returns "A-B", or "A" when r holds one address.
func (r Range) String() string {
	if r.From == r.To {
		return r.From.String()
	}
	return r.From.String() + "-" + r.To.String()
}

// MarshalText encodes r as String does, so that a range reads as "A-B" in
// JSON and YAML.
func (r Range) MarshalText() ([]byte, error) {
	return []byte(r.String()), nil
}

// UnmarshalText decodes any form ParseRange accepts.
func (r *Range) UnmarshalText(text []byte) error {
	parsed, err := ParseRange(string(text))
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}

// Without returns what is left of r once a is taken out of it: no range when
// r held only a, one range when a was an end, and two when a splits it.
// a must lie within r.
//
//	r:       [From ............... To]
//	a at From:  a [From+1 ....... To]
//	a inside:  [From .. a-1] a [a+1 .. To]
//	a at To:   [From ....... To-1] a
func (r Range) Without(a netip.Addr) []Range {
	var left []Range
	if a != r.From {
		left = append(left, Range{From: r.From, To: a.Prev()})
	}
	if a != r.To {
		left = append(left, Range{From: a.Next(), To: r.To})
	}
	return left
}

// Adjacent reports whether o starts at the address right after r ends, so
// that the two can be joined into Range{r.From, o.To}.
func (r Range) Adjacent(o Range) bool {
	next := r.To.Next()
	return next.IsValid() && next == o.From
}

// At returns the address at offset n from r.From; n must be below r.Size().
func (r Range) At(n Uint128) netip.Addr {
	return addrFromValue(addrValue(r.From).Add(n), r.From)
}

// Random returns an address of r chosen uniformly at random.
func (r Range) Random() netip.Addr {
	size := r.Size()
	if size.IsZero() {
		// All of IPv6: every 128-bit value is an address of it.
		return r.At(randomBelow(Uint128{}.Sub(Uint128From(1))))
	}
	return r.At(randomBelow(size))
}

// Normalize sorts ranges and joins those that overlap or touch, so that the
// result is the smallest sorted, disjoint set that covers the same addresses.
// Ranges of both families sort IPv4 first. It does not change its argument.
func Normalize(ranges []Range) []Range {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b Range) int { return a.From.Compare(b.From) })

	var out []Range
	for _, r := range sorted {
		if n := len(out); n > 0 && (out[n-1].Overlaps(r) || out[n-1].Adjacent(r)) {
			if r.To.Compare(out[n-1].To) > 0 {
				out[n-1].To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// Subtract returns the addresses of base that are in no range of holes, as a
// sorted, disjoint set. Neither argument needs to be sorted.
//
// Each base range is cut by the holes that overlap it, in order:
//
//	base:   [..........................]
//	holes:     [...]       [..]
//	result: [..]     [.....]    [......]
func Subtract(base, holes []Range) []Range {
	holes = Normalize(holes)

	var out []Range
	for _, b := range Normalize(base) {
		rest, ok := b, true
		for _, h := range holes {
			if !ok || h.From.Compare(rest.To) > 0 {
				break
			}
			if !h.Overlaps(rest) {
				continue
			}
			if h.From.Compare(rest.From) > 0 {
				out = append(out, Range{From: rest.From, To: h.From.Prev()})
			}
			if h.To.Compare(rest.To) >= 0 {
				ok = false
				break
			}
			rest.From = h.To.Next()
		}
		if ok {
			out = append(out, rest)
		}
	}
	return out
}
