package ipam

import (
	"fmt"
	"net/netip"
)

// Strategy decides which free address a pool hands out next.
type Strategy string

// The strategies a pool may use.
const (
	// Lowest hands out the lowest free address, as the production service
	// does: predictable, and easy to read in a list.
	Lowest Strategy = "lowest"

	// Random hands out a free address chosen at random, so that the
	// addresses of a pool cannot be guessed by counting up from the last
	// one seen.
	Random Strategy = "random"
)

// ParseStrategy parses a strategy name; the empty string means Lowest.
func ParseStrategy(s string) (Strategy, error) {
	switch Strategy(s) {
	case "", Lowest:
		return Lowest, nil
	case Random:
		return Random, nil
	}
	return "", fmt.Errorf("unknown strategy %q: want lowest or random", s)
}

// Probe returns the address a search of the free ranges starts from. The
// allocator hands out from the first free range whose To is at or after the
// probe (wrapping to the lowest range when there is none), which is one
// indexed lookup in a sorted set of ranges.
//
// For Lowest the probe is the span's first address, so the first free range
// is found. For Random it is a uniform address of the span: a probe in a
// free range is handed out as is, so while a pool is mostly free the choice
// is uniform; a probe in a used stretch moves to a random address of the
// next free range, which favours ranges that follow long used stretches but
// still never lets a caller predict the next address.
func (s Strategy) Probe(span Range) netip.Addr {
	if s == Random {
		return span.Random()
	}
	return span.From
}

// Pick returns the address to hand out from r, the free range the probe led
// to.
func (s Strategy) Pick(r Range, probe netip.Addr) netip.Addr {
	switch {
	case r.Contains(probe):
		return probe
	case s == Random:
		return r.Random()
	}
	return r.From
}

// Reuse decides when an address returned to a pool may be handed out again.
type Reuse string

// The reuse policies a pool may use.
const (
	// FreshFirst hands out addresses never used before while any remain, and
	// only then returned ones, oldest return first: a just-returned address,
	// with stale ARP entries and firewall rules still pointing at it, is the
	// last to come back.
	FreshFirst Reuse = "fresh_first"

	// Immediate puts a returned address straight back into the free ranges,
	// where the strategy may pick it next.
	Immediate Reuse = "immediate"
)

// ParseReuse parses a reuse policy name; the empty string means FreshFirst.
func ParseReuse(s string) (Reuse, error) {
	switch Reuse(s) {
	case "", FreshFirst:
		return FreshFirst, nil
	case Immediate:
		return Immediate, nil
	}
	return "", fmt.Errorf("unknown reuse policy %q: want fresh_first or immediate", s)
}
