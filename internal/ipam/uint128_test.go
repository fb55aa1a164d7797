package ipam_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/ipam"
)

const max64 = ^uint64(0)

// two128 is 2^128, the modulus of Uint128 arithmetic.
var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// bigU returns hi<<64 | lo, computed without Uint128.
func bigU(hi, lo uint64) *big.Int {
	n := new(big.Int).SetUint64(hi)
	n.Lsh(n, 64)
	return n.Or(n, new(big.Int).SetUint64(lo))
}

// mod128 reduces n into [0, 2^128), as Uint128 arithmetic wraps.
func mod128(n *big.Int) *big.Int {
	return n.Mod(n, two128)
}

func TestUint128AddSub(t *testing.T) {
	t.Parallel()

	tests := []struct {
		aHi, aLo, bHi, bLo uint64
		sumHi, sumLo       uint64 // a+b
		diffHi, diffLo     uint64 // a-b
	}{
		// Low half only.
		{0, 0, 0, 0, 0, 0, 0, 0},
		{0, 5, 0, 3, 0, 8, 0, 2},
		// Carry from the low half into the high half, and the borrow back.
		{0, max64, 0, 1, 1, 0, 0, max64 - 1},
		{1, 0, 0, 1, 1, 1, 0, max64},
		{0, max64, 0, max64, 1, max64 - 1, 0, 0},
		{3, 7, 5, 9, 8, 16, max64 - 2, max64 - 1},
		// High half only.
		{5, 0, 3, 0, 8, 0, 2, 0},
		// Wrapping at 2^128 and below 0.
		{max64, max64, 0, 1, 0, 0, max64, max64 - 1},
		{max64, max64, max64, max64, max64, max64 - 1, 0, 0},
		{0, 0, 0, 1, 0, 1, max64, max64},
		{0, 0, max64, max64, max64, max64, 0, 1},
		{1 << 63, 0, 1 << 63, 0, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		a, b := ipam.NewUint128(tt.aHi, tt.aLo), ipam.NewUint128(tt.bHi, tt.bLo)

		sum, wantSum := a.Add(b), ipam.NewUint128(tt.sumHi, tt.sumLo)
		require.Equal(t, wantSum, sum, "(%s).Add(%s): got %s; want %s", a, b, sum, wantSum)
		byBig := mod128(new(big.Int).Add(bigU(tt.aHi, tt.aLo), bigU(tt.bHi, tt.bLo)))
		require.Zero(t, byBig.Cmp(sum.Big()), "(%s).Add(%s): got %s; want %s by math/big", a, b, sum, byBig)

		diff, wantDiff := a.Sub(b), ipam.NewUint128(tt.diffHi, tt.diffLo)
		require.Equal(t, wantDiff, diff, "(%s).Sub(%s): got %s; want %s", a, b, diff, wantDiff)
		byBig = mod128(new(big.Int).Sub(bigU(tt.aHi, tt.aLo), bigU(tt.bHi, tt.bLo)))
		require.Zero(t, byBig.Cmp(diff.Big()), "(%s).Sub(%s): got %s; want %s by math/big", a, b, diff, byBig)
	}
}

func TestUint128Cmp(t *testing.T) {
	t.Parallel()

	tests := []struct {
		aHi, aLo, bHi, bLo uint64
		want               int
	}{
		// Equal.
		{0, 0, 0, 0, 0},
		{max64, max64, max64, max64, 0},
		// Decided by the low half.
		{0, 1, 0, 2, -1},
		{7, 2, 7, 1, 1},
		// Decided by the high half, whatever the low half says.
		{1, 0, 0, max64, 1},
		{0, max64, 1, 0, -1},
		{2, 0, 3, 0, -1},
		{max64, 0, max64 - 1, max64, 1},
	}
	for _, tt := range tests {
		a, b := ipam.NewUint128(tt.aHi, tt.aLo), ipam.NewUint128(tt.bHi, tt.bLo)
		got := a.Cmp(b)
		require.Equal(t, tt.want, got, "(%s).Cmp(%s): got %d; want %d", a, b, got, tt.want)
		back := b.Cmp(a)
		require.Equal(t, -tt.want, back, "(%s).Cmp(%s): got %d; want %d", b, a, back, -tt.want)
	}
}

func TestUint128String(t *testing.T) {
	t.Parallel()

	tests := []struct {
		hi, lo uint64
		want   string
	}{
		{0, 0, "0"},
		{0, 1, "1"},
		{0, max64, "18446744073709551615"},
		{1, 0, "18446744073709551616"},
		{1, 1, "18446744073709551617"},
		{1 << 63, 0, "170141183460469231731687303715884105728"},
		{max64, max64, "340282366920938463463374607431768211455"},
	}
	for _, tt := range tests {
		u := ipam.NewUint128(tt.hi, tt.lo)
		got := u.String()
		require.Equal(t, tt.want, got, "NewUint128(%#x, %#x).String(): got %s; want %s", tt.hi, tt.lo, got, tt.want)
		require.Equal(t, tt.want == "0", u.IsZero(), "(%s).IsZero(): got %v; want %v", u, u.IsZero(), tt.want == "0")
	}

	got := ipam.Uint128From(42).String()
	require.Equal(t, "42", got, "Uint128From(42).String(): got %s; want 42", got)
}

// TestUint128AgainstBig compares every operation with math/big on random
// values whose halves are often 0, 1 or all ones, where carries happen.
func TestUint128AgainstBig(t *testing.T) {
	t.Parallel()

	rnd := rand.New(rand.NewPCG(1, 128))
	half := func() uint64 {
		switch rnd.IntN(5) {
		case 0:
			return 0
		case 1:
			return 1
		case 2:
			return max64
		}
		return rnd.Uint64()
	}
	for range 5000 {
		aHi, aLo, bHi, bLo := half(), half(), half(), half()
		a, b := ipam.NewUint128(aHi, aLo), ipam.NewUint128(bHi, bLo)
		ba, bb := bigU(aHi, aLo), bigU(bHi, bLo)

		require.Equal(t, ba.String(), a.String(), "NewUint128(%#x, %#x).String(): got %s; want %s", aHi, aLo, a, ba)
		wantSum := mod128(new(big.Int).Add(ba, bb))
		require.Zero(t, wantSum.Cmp(a.Add(b).Big()), "(%s).Add(%s): got %s; want %s", a, b, a.Add(b), wantSum)
		wantDiff := mod128(new(big.Int).Sub(ba, bb))
		require.Zero(t, wantDiff.Cmp(a.Sub(b).Big()), "(%s).Sub(%s): got %s; want %s", a, b, a.Sub(b), wantDiff)
		require.Equal(t, ba.Cmp(bb), a.Cmp(b), "(%s).Cmp(%s): got %d; want %d", a, b, a.Cmp(b), ba.Cmp(bb))
	}
}

func TestRandomBelow(t *testing.T) {
	t.Parallel()

	tests := []struct {
		hi, lo uint64
		reach  int // how many of the lowest values must come up
	}{
		{0, 1, 1},
		{0, 2, 2},
		{0, 3, 3},
		{0, 5, 5},
		{0, max64, 0},
		{1, 0, 0},
		{1, 1, 0},
		{2, 0, 0},
		{1 << 63, 0, 0},
		{max64, max64, 0},
	}
	for _, tt := range tests {
		n := ipam.NewUint128(tt.hi, tt.lo)
		seen := map[ipam.Uint128]bool{}
		for range 2000 {
			v := ipam.RandomBelow(n)
			require.Negative(t, v.Cmp(n), "RandomBelow(%s): got %s; want below %s", n, v, n)
			seen[v] = true
		}
		for i := range tt.reach {
			require.True(t, seen[ipam.Uint128From(uint64(i))],
				"RandomBelow(%s) in 2000 draws: got %v; want %d among them", n, seen, i)
		}
	}

	// A bound above 2^64 must reach values with a high half, and 2^65 must
	// reach both high halves below it.
	seenHi := map[bool]bool{}
	for range 200 {
		v := ipam.RandomBelow(ipam.NewUint128(2, 0))
		seenHi[v.Cmp(ipam.NewUint128(1, 0)) >= 0] = true
	}
	require.Len(t, seenHi, 2, "RandomBelow(2^65) in 200 draws: got high half >= 1 only %v; want both", seenHi)
}
