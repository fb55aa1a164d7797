package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

// The demo's token belongs to this organization of the demo inventory,
// and its curl example allocates to this virtual machine's interface.
const (
	demoOrganization = "acme"
	demoHostname     = "web-1"
)

// defaultDemoScopes are what the demo token may do unless told: allocate
// and read addresses, and read virtual machines and their interfaces.
const defaultDemoScopes = "ip_addresses,virtual_machines:read"

func demoCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags serverFlags
	flags.register(fs, "", databaseHelp+" (default: a new file in a temporary directory)")
	scopes := fs.String("scopes", defaultDemoScopes, "comma-separated scopes of the demo token")
	rateLimit := fs.Int("rate-limit", service.DefaultRateLimit, "requests a minute the demo token may make")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	demo := demoToken{scopes: strings.Split(*scopes, ","), rateLimit: *rateLimit}

	if flags.database == "" {
		dir, err := os.MkdirTemp("", "ipd-demo-")
		if err != nil {
			return fmt.Errorf("create demo directory: %w", err)
		}
		defer os.RemoveAll(dir)
		flags.database = filepath.Join(dir, "ipd.db")
	}
	st, err := store.Open(ctx, flags.database)
	if err != nil {
		return err
	}
	defer st.Close()

	log := newLogger(stderr)
	if err := demo.load(ctx, st, service.New(st, log, flags.service)); err != nil {
		return err
	}

	return serve(ctx, log, st, flags, func(addr string) {
		demo.print(stdout, flags.database, addr)
	})
}

// demoToken is the token the demo makes, and the interface its curl
// example allocates to.
type demoToken struct {
	scopes      []string
	rateLimit   int
	secret      string
	interfaceID string
}

// load brings the database to the demo inventory and creates the token
// for the demo organization.
func (d *demoToken) load(ctx context.Context, st *store.Store, svc *service.Service) error {
	inv, err := inventory.ParseDemo()
	if err != nil {
		return err
	}
	plan, err := inventory.NewPlan(ctx, svc, inv)
	if err != nil {
		return fmt.Errorf("load demo inventory: %w", err)
	}
	if err := plan.Apply(ctx); err != nil {
		return fmt.Errorf("load demo inventory: %w", err)
	}

	org, err := st.OrganizationGetBy(ctx, "sub_domain", demoOrganization)
	if err != nil {
		return err
	}
	_, d.secret, err = svc.CreateAPIToken(domain.WithActor(ctx, "ipd demo"), demoTokenFor(org.ID, *d))
	if err != nil {
		return err
	}

	vm, err := st.VirtualMachineGetBy(ctx, "fqdn", demoHostname+"."+org.InfrastructureDomain)
	if err != nil {
		return err
	}
	network, err := st.NetworkGetBy(ctx, "permalink", inv.Networks[0].Permalink)
	if err != nil {
		return err
	}
	iface, err := st.InterfaceGetByNetwork(ctx, vm.ID, network.ID)
	if err != nil {
		return err
	}
	d.interfaceID = iface.ID
	return nil
}

// demoTokenFor returns the token d describes, for the organization orgID.
func demoTokenFor(orgID string, d demoToken) domain.APIToken {
	return domain.APIToken{OrganizationID: orgID, Name: "demo", Scopes: d.scopes, RateLimit: d.rateLimit}
}

// print tells the newcomer what was made and how to call it.
func (d *demoToken) print(w io.Writer, database, addr string) {
	fmt.Fprintf(w, `ipd demo is serving http://%[1]s with the database %[2]s
(a temporary one is removed when the demo stops)

API token of organization %[3]q (shown once; scopes %[4]s):

  %[5]s

Allocate a new IPv4 address to %[6]s:

  curl -s -X POST http://%[1]s/core/v1/virtual_machine_network_interfaces/_/allocate_new_ip \
    -H 'Authorization: Bearer %[5]s' \
    -H 'Content-Type: application/json' \
    -d '{"virtual_machine_network_interface":{"id":"%[7]s"},"address_version":"ipv4"}'

Then look at the interface:

  curl -s -H 'Authorization: Bearer %[5]s' http://%[1]s/core/v1/virtual_machine_network_interfaces/%[7]s

`, addr, database, demoOrganization, strings.Join(d.scopes, ", "), d.secret, demoHostname, d.interfaceID)
}
