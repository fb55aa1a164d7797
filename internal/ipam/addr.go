package ipam

import (
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
	if a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("ParseAddr(%q): zone not allowed", s)
	}
	if a.Is4In6() {
		return netip.Addr{}, fmt.Errorf("ParseAddr(%q): IPv4-mapped IPv6 address not allowed", s)
	}
	return a, nil
}
