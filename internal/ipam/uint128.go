package ipam

import (
	"encoding/binary"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"net/netip"
)

// Uint128 is an unsigned 128-bit integer, wide enough to count the addresses
// of any IPv6 range. The zero value is 0.
type Uint128 struct {
	hi, lo uint64
}

// Uint128From returns the Uint128 with the value n.
func Uint128From(n uint64) Uint128 {
	return Uint128{lo: n}
}

// addrValue returns the address as a 128-bit integer; an IPv4 address keeps
// its 32-bit value, so IPv4 arithmetic never touches the upper bits.
func addrValue(a netip.Addr) Uint128 {
	b := a.As16()
	if a.Is4() {
		return Uint128{lo: uint64(binary.BigEndian.Uint32(b[12:]))}
	}
	return Uint128{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

// addrFromValue is the inverse of addrValue for the family of like.
func addrFromValue(v Uint128, like netip.Addr) netip.Addr {
	if like.Is4() {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(v.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], v.hi)
	binary.BigEndian.PutUint64(b[8:], v.lo)
	return netip.AddrFrom16(b)
}

// IsZero reports whether u is 0.
func (u Uint128) IsZero() bool {
	return u.hi == 0 && u.lo == 0
}

// Cmp returns -1, 0 or +1 as u is less than, equal to or greater than v.
func (u Uint128) Cmp(v Uint128) int {
	switch {
	case u.hi < v.hi:
		return -1
	case u.hi > v.hi:
		return 1
	case u.lo < v.lo:
		return -1
	case u.lo > v.lo:
		return 1
	}
	return 0
}

// Add returns u+v, wrapping around at 2^128.
func (u Uint128) Add(v Uint128) Uint128 {
	lo, carry := bits.Add64(u.lo, v.lo, 0)
	hi, _ := bits.Add64(u.hi, v.hi, carry)
	return Uint128{hi: hi, lo: lo}
}

// Sub returns u-v, wrapping around below 0.
func (u Uint128) Sub(v Uint128) Uint128 {
	lo, borrow := bits.Sub64(u.lo, v.lo, 0)
	hi, _ := bits.Sub64(u.hi, v.hi, borrow)
	return Uint128{hi: hi, lo: lo}
}

// Big returns u as a big.Int, for printing and for callers that need more
// than 128 bits, such as the sum of several pools' sizes.
func (u Uint128) Big() *big.Int {
	n := new(big.Int).SetUint64(u.hi)
	n.Lsh(n, 64)
	return n.Or(n, new(big.Int).SetUint64(u.lo))
}

// String returns u in decimal.
func (u Uint128) String() string {
	return u.Big().String()
}

// randomBelow returns a uniformly distributed value in [0, n); n must not be 0.
// It draws masked 128-bit values and rejects those at or above n, which
// needs fewer than two draws on average. The generator is the runtime's,
// seeded unpredictably and safe for concurrent use.
func randomBelow(n Uint128) Uint128 {
	max := n.Sub(Uint128From(1))
	hiMask := mask64(max.hi)
	loMask := ^uint64(0)
	if max.hi == 0 {
		loMask = mask64(max.lo)
	}
	for {
		v := Uint128{hi: rand.Uint64() & hiMask, lo: rand.Uint64() & loMask}
		if v.Cmp(max) <= 0 {
			return v
		}
	}
}

// mask64 returns the smallest all-ones mask that covers v.
func mask64(v uint64) uint64 {
	if v == 0 {
		return 0
	}
	return ^uint64(0) >> bits.LeadingZeros64(v)
}
