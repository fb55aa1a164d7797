package ipam_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/ipam"
)

func TestParseAddr(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in      string
		want    string // RFC 5952 form; "" when in is rejected
		wantErr string // part of the error text, when it is ours
	}{
		// IPv4.
		{"10.0.0.1", "10.0.0.1", ""},
		{"0.0.0.0", "0.0.0.0", ""},
		{"255.255.255.255", "255.255.255.255", ""},
		// IPv6 in any valid spelling comes back in RFC 5952 form.
		{"2001:db8::1", "2001:db8::1", ""},
		{"2001:DB8::1", "2001:db8::1", ""},
		{"FE80::ABCD", "fe80::abcd", ""},
		{"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", ""},
		{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", ""},
		{"::", "::", ""},
		{"::1", "::1", ""},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
		// An IPv4-compatible address (::/96) is an ordinary IPv6 address.
		{"::1.2.3.4", "::102:304", ""},
		// Leading zeros in IPv4 octets are ambiguous (octal or decimal).
		{"010.0.0.1", "", ""},
		{"10.0.0.01", "", ""},
		// Zones name an interface, not an address.
		{"fe80::1%eth0", "", "zone not allowed"},
		{"fe80::1%1", "", "zone not allowed"},
		{"FE80::1%ETH0", "", "zone not allowed"},
		// IPv4-mapped IPv6 names an IPv4 host.
		{"::ffff:1.2.3.4", "", "IPv4-mapped"},
		{"::FFFF:1.2.3.4", "", "IPv4-mapped"},
		{"::ffff:102:304", "", "IPv4-mapped"},
		{"0:0:0:0:0:ffff:0a00:0001", "", "IPv4-mapped"},
		// Garbage.
		{"", "", ""},
		{"garbage", "", ""},
		{"10.0.0", "", ""},
		{"10.0.0.256", "", ""},
		{"1.2.3.4.5", "", ""},
		{" 10.0.0.1", "", ""},
		{"10.0.0.1/32", "", ""},
		{"10.0.0.1-10.0.0.2", "", ""},
		{"2001:db8::1::2", "", ""},
		{"2001:db8:0:0:0:0:0:0:1", "", ""},
		{"gggg::1", "", ""},
		{"[::1]", "", ""},
	}
	for _, tt := range tests {
		got, err := ipam.ParseAddr(tt.in)
		if tt.want == "" {
			require.Error(t, err, "ParseAddr(%q): got %s, nil; want an error", tt.in, got)
			require.ErrorContains(t, err, tt.wantErr, "ParseAddr(%q): got error %q; want it to mention %q",
				tt.in, err, tt.wantErr)
			require.Equal(t, "invalid IP", got.String(), "ParseAddr(%q): got %s; want the zero Addr", tt.in, got)
			continue
		}
		require.NoError(t, err, "ParseAddr(%q): got error %v; want %s", tt.in, err, tt.want)
		require.Equal(t, tt.want, got.String(), "ParseAddr(%q): got %s; want %s", tt.in, got, tt.want)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()

	tests := []struct {
		addr string
		want ipam.Version
		text string
	}{
		{"10.0.0.1", ipam.IPv4, "ipv4"},
		{"0.0.0.0", ipam.IPv4, "ipv4"},
		{"2001:db8::1", ipam.IPv6, "ipv6"},
		{"::", ipam.IPv6, "ipv6"},
		{"::1.2.3.4", ipam.IPv6, "ipv6"},
	}
	for _, tt := range tests {
		got := ipam.VersionOf(ip(tt.addr))
		require.Equal(t, tt.want, got, "VersionOf(%s): got %v; want %v", tt.addr, got, tt.want)
		require.Equal(t, tt.text, got.String(), "Version(%d).String(): got %s; want %s", got, got, tt.text)

		back, err := ipam.ParseVersion(tt.text)
		require.NoError(t, err, "ParseVersion(%q): got error %v; want %v", tt.text, err, tt.want)
		require.Equal(t, tt.want, back, "ParseVersion(%q): got %v; want %v", tt.text, back, tt.want)
	}

	for _, in := range []string{"", "4", "IPv4", "ipv5", "v6", " ipv6"} {
		got, err := ipam.ParseVersion(in)
		require.Error(t, err, "ParseVersion(%q): got %v, nil; want an error", in, got)
	}
}
