package store

import "crypto/rand"

// The ID prefixes of the objects ipd stores, as the production API uses
// them. A pool is shown as an address's subnet, hence sbnt_.
const (
	prefixCountry      = "ctry_"
	prefixDataCenter   = "loc_"
	prefixNetwork      = "netw_"
	prefixPool         = "sbnt_"
	prefixOrganization = "org_"
	prefixVM           = "vm_"
	prefixInterface    = "vmnet_"
	prefixAddress      = "ip_"
	prefixAPIToken     = "apitoken_"
	prefixOperator     = "optok_"
)

// newID returns prefix followed by 16 random characters of [A-Za-z0-9]:
// about 95 bits, so IDs neither collide nor can be guessed.
func newID(prefix string) string {
	return prefix + randomAlnum(16)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomAlnum returns n characters drawn uniformly from alnum.
func randomAlnum(n int) string {
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		rand.Read(buf[:])
		for _, b := range buf {
			// 248 is the largest multiple of 62 below 256; rejecting the
			// bytes above it keeps every character equally likely.
			if b < 248 && len(out) < n {
				out = append(out, alnum[b%62])
			}
		}
	}
	return string(out)
}
