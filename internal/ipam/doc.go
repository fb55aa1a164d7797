// Package ipam is the address arithmetic and allocation policy of ipd.
//
// It knows nothing but addresses: a pool is a prefix of one IP version with
// the addresses it must never hand out, and its free space is a sorted set of
// inclusive ranges. Finding the next address to hand out touches one range,
// whatever the pool's size, so a pool is never enumerated. Persistence,
// locking and transactions belong to the store, which keeps one row per free
// range and calls into this package to decide what to change.
//
// Every function works on both IPv4 and IPv6 with 128-bit arithmetic.
package ipam
