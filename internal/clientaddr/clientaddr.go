// Package clientaddr finds the address an HTTP request comes from, for
// allow-lists and failed-authentication limits, believing X-Forwarded-For
// only from the reverse proxies it is told to trust.
package clientaddr

import (
	"net/http"
	"net/netip"
	"strings"
)

// Resolver finds a request's client address. The zero Resolver trusts no
// proxy.
type Resolver struct {
	// TrustedProxies are the networks of the reverse proxies in front of
	// ipd.
	TrustedProxies []netip.Prefix
}

// Of returns the address r comes from: its TCP peer, or, when the peer is
// a trusted proxy, the right-most address of X-Forwarded-For that is not
// one. A peer that is not a trusted proxy cannot make itself look like
// another client.
func (res Resolver) Of(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	client := peer.Addr().Unmap()
	if !res.trusted(client) {
		return client
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return client
		}
		client = hop.Unmap()
		if !res.trusted(client) {
			return client
		}
	}
	return client
}

func (res Resolver) trusted(a netip.Addr) bool {
	for _, p := range res.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
