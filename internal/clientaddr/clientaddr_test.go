package clientaddr

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestOf(t *testing.T) {
	proxies := Resolver{TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"),
	}}
	tests := []struct {
		name     string
		resolver Resolver
		peer     string
		forwards []string
		want     string
	}{
		{"no proxy trusted: the peer", Resolver{}, "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"untrusted peer's header is ignored", proxies, "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted peer: its client", proxies, "10.1.1.1:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"right-most untrusted hop", proxies, "10.1.1.1:5000",
			[]string{"1.1.1.1, 198.51.100.1, 10.2.2.2"}, "198.51.100.1"},
		{"hops across headers", proxies, "10.1.1.1:5000", []string{"1.1.1.1", "198.51.100.1"}, "198.51.100.1"},
		{"IPv6 proxy and client", proxies, "[fd00::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"mapped peer is unmapped", Resolver{}, "[::ffff:203.0.113.9]:5000", nil, "203.0.113.9"},
		{"garbage hop stops at the last good one", proxies, "10.1.1.1:5000",
			[]string{"198.51.100.1, nonsense"}, "10.1.1.1"},
		{"only proxies: the left-most", proxies, "10.1.1.1:5000", []string{"10.3.3.3, 10.2.2.2"}, "10.3.3.3"},
		{"no header from a proxy: the proxy", proxies, "10.1.1.1:5000", nil, "10.1.1.1"},
		{"unparsable peer", proxies, "pipe", nil, "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.peer, Header: http.Header{"X-Forwarded-For": tt.forwards}}
			if got := tt.resolver.Of(r).String(); got != tt.want {
				t.Errorf("Of = %s, want %s", got, tt.want)
			}
		})
	}
}
