package service_test

import (
	"io"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

func TestReverseDNS(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	defaults := service.New(nil, log, service.Config{})
	custom := service.New(
		nil,
		log,
		service.Config{ReverseDNSDomainIPv4: "ptr.example.net", ReverseDNSDomainIPv6: "v6.example.net"},
	)
	vm := &domain.Interface{VirtualMachine: domain.VirtualMachine{FQDN: "web-1.acme.katapult.cloud"}}

	tests := []struct {
		svc  *service.Service
		addr domain.Address
		want string
	}{
		{defaults, domain.Address{Addr: netip.MustParseAddr("185.44.252.7")}, "185-44-252-7.rdns.katapult.io"},
		{defaults, domain.Address{Addr: netip.MustParseAddr("2a03:2800:500::18")}, "2a03-2800-500--18.rdns.k.io"},
		{custom, domain.Address{Addr: netip.MustParseAddr("10.0.0.1")}, "10-0-0-1.ptr.example.net"},
		{custom, domain.Address{Addr: netip.MustParseAddr("2001:db8::1:0:0:1")}, "2001-db8--1-0-0-1.v6.example.net"},
		{defaults, domain.Address{Addr: netip.MustParseAddr("10.0.0.1"), Interface: vm}, "web-1.acme.katapult.cloud"},
		{defaults, domain.Address{Addr: netip.MustParseAddr("10.0.0.1"), Interface: vm, ReverseDNS: "mail.example.com"},
			"mail.example.com"},
	}
	for _, tt := range tests {
		got := tt.svc.ReverseDNS(tt.addr)
		require.Equal(t, tt.want, got, "ReverseDNS(%s): got %s; want %s", tt.addr.Addr, got, tt.want)
	}
}
