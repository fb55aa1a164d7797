package ipam

// NewUint128 returns the Uint128 hi<<64 | lo. The package builds values with
// a high half only through arithmetic, which tables of carries cannot use.
func NewUint128(hi, lo uint64) Uint128 {
	return Uint128{hi: hi, lo: lo}
}

// RandomBelow exposes randomBelow, whose masks decide what Random can reach.
var RandomBelow = randomBelow
