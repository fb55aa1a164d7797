package ipam

import (
	"errors"
	"fmt"
	"net/netip"
)

// Version is an IP version: 4 or 6.
type Version int

// The two IP versions.
const (
	IPv4 Version = 4
	IPv6 Version = 6
)

// VersionOf returns the version of a, which must be valid.
func VersionOf(a netip.Addr) Version {
	if a.Is4() {
		return IPv4
	}
	return IPv6
}

// String returns "ipv4" or "ipv6", the spelling of the Katapult API.
func (v Version) String() string {
	if v == IPv4 {
		return "ipv4"
	}
	return "ipv6"
}

// ParseVersion parses "ipv4" or "ipv6".
func ParseVersion(s string) (Version, error) {
	switch s {
	case "ipv4":
		return IPv4, nil
	case "ipv6":
		return IPv6, nil
	}
	return 0, fmt.Errorf("parse version %q: want ipv4 or ipv6", s)
}

// ParseAddr parses an address as a customer may spell it and returns it in
// the one form ipd stores and shows (String gives RFC 5952 text).
//
// It accepts any valid spelling of an IPv4 or IPv6 address, including
// upper-case hex and expanded IPv6. It rejects what netip.ParseAddr rejects
// (leading zeros in IPv4 octets among them) and also zoned addresses and
// IPv4-mapped IPv6 addresses, which name an interface or an IPv4 host rather
// than an address a pool could hold.
func ParseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, err
	}
	if err := checkPoolable(a); err != nil {
		return netip.Addr{}, fmt.Errorf("ParseAddr(%q): %w", s, err)
	}
	return a, nil
}

// ParsePrefix parses a prefix "A/N" under the rules of ParseAddr: an
// IPv4-mapped or zoned base address is refused. Host bits may be set; the
// caller decides whether that is an error.
func ParsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if err := checkPoolable(p.Addr()); err != nil {
		return netip.Prefix{}, fmt.Errorf("ParsePrefix(%q): %w", s, err)
	}
	return p, nil
}

// checkPoolable refuses the valid addresses that no pool holds: zoned
// ones, which name an interface, and IPv4-mapped IPv6 ones, which name an
// IPv4 host.
func checkPoolable(a netip.Addr) error {
	if a.Zone() != "" {
		return errors.New("zone not allowed")
	}
	if a.Is4In6() {
		return errors.New("IPv4-mapped IPv6 address not allowed")
	}
	return nil
}
