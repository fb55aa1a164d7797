package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/ipam"
	"github.com/ipd/ipd/internal/store"
	"github.com/ipd/ipd/internal/store/storetest"
)

// TestApplyAndToken sets up a database the way an operator would without
// the demo: apply an inventory, twice, then create a token for one of its
// organizations.
func TestApplyAndToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := demoFile(t, dir)
	database := filepath.Join(dir, "ipd.db")
	ctx := context.Background()

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"apply", "-f", file, "--database", database}, &out, io.Discard))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 14)
	require.Equal(t, "create country GB", lines[0])
	require.Equal(t, "create interface uk-lon-01-public on app-1 of globex", lines[12])
	require.Equal(t, "13 created, 0 updated, 0 deleted", lines[13])
	out.Reset()
	require.NoError(t, run(ctx, []string{"apply", "--file", file, "--database", database}, &out, io.Discard))
	require.Equal(t, "no changes\n", out.String())

	out.Reset()
	err := run(ctx, []string{"token", "--organization", "acme", "--scopes", "ip_addresses", "--database", database},
		&out, io.Discard)
	require.NoError(t, err)
	require.Regexp(t, `^[A-Z2-7]{42}\n$`, out.String())

	err = run(ctx, []string{"token", "--organization", "nobody", "--scopes", "ip_addresses", "--database", database},
		io.Discard, io.Discard)
	require.ErrorContains(t, err, "organization nobody")
	require.ErrorContains(t, run(ctx, []string{"apply", "--database", database}, io.Discard, io.Discard), "--file")

	st, err := store.Open(ctx, database)
	require.NoError(t, err)
	defer st.Close()
	entries, total, err := st.AuditList(ctx, store.AuditListParams{Page: domain.Page{Number: 1, PerPage: 100}})
	require.NoError(t, err)
	require.Equal(t, 14, total, "13 creates by apply and the token")
	require.Equal(t, "ipd token", entries[0].Actor)
	for _, e := range entries[1:] {
		require.Equal(t, "ipd apply", e.Actor)
	}
}

// TestApplyDryRun prints the plan for an edited demo inventory and
// leaves the database as it was, then applies it.
func TestApplyDryRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file, database := demoDatabase(t, dir)
	ctx := context.Background()

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"apply", "--dry-run", "-f", file, "--database", database}, &out, io.Discard))
	require.Equal(t, "no changes\n", out.String())

	edited := string(inventory.Demo)
	for _, oldNew := range [][2]string{
		{"gateway: 185.44.255.254", "gateway: 185.44.252.1"},
		{`      - name: db-1
        hostname: db-1
        data_center: uk-lon-01
        interfaces:
          - network: uk-lon-01-public
            mac_address: 3a:88:29:cc:bb:02
`, ""},
	} {
		require.Contains(t, edited, oldNew[0])
		edited = strings.Replace(edited, oldNew[0], oldNew[1], 1)
	}
	edited += "  - name: Initech\n    sub_domain: initech\n"
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o600))
	plan := "delete virtual machine db-1 of acme\n" +
		"update pool 185.44.252.0/22 in uk-lon-01-public: gateway 185.44.255.254 -> 185.44.252.1\n" +
		"create organization initech\n"

	before := storetest.Dump(t, database)
	out.Reset()
	require.NoError(t, run(ctx, []string{"apply", "--dry-run", "-f", file, "--database", database}, &out, io.Discard))
	require.Equal(t, plan, out.String())
	require.Equal(t, before, storetest.Dump(t, database), "a dry run changes nothing")

	out.Reset()
	require.NoError(t, run(ctx, []string{"apply", "-f", file, "--database", database}, &out, io.Discard))
	require.Equal(t, plan+"1 created, 1 updated, 1 deleted\n", out.String())
	out.Reset()
	require.NoError(t, run(ctx, []string{"apply", "--dry-run", "-f", file, "--database", database}, &out, io.Discard))
	require.Equal(t, "no changes\n", out.String())
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"help", "--help", "-h"} {
		var out bytes.Buffer
		require.NoError(t, run(context.Background(), []string{arg}, &out, io.Discard), arg)
		for _, name := range commandOrder {
			require.Contains(t, out.String(), "  "+name+" ", arg)
		}
		require.True(t, strings.HasSuffix(out.String(), "for a command's flags.\n"))
	}
	require.ErrorContains(
		t,
		run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard),
		"unknown command",
	)

	var flagsHelp bytes.Buffer
	require.ErrorIs(t, run(context.Background(), []string{"serve", "--help"}, io.Discard, &flagsHelp), flag.ErrHelp)
	for _, name := range []string{"listen", "database", "reverse-dns-ipv4", "reverse-dns-ipv6", "trusted-proxy"} {
		require.Contains(t, flagsHelp.String(), "-"+name+" ")
		require.Contains(t, flagsHelp.String(), envName(name)+" ", "serve --help names each flag's variable")
	}
}

// TestFlagsFromEnvironment sets a flag by its IPD_ variable and shows
// the command line winning over it.
func TestFlagsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := demoFile(t, dir)
	t.Setenv("IPD_DATABASE", filepath.Join(dir, "from-env.db"))
	t.Setenv("IPD_FILE", file)
	ctx := context.Background()

	require.NoError(t, run(ctx, []string{"apply"}, io.Discard, io.Discard))
	_, err := os.Stat(filepath.Join(dir, "from-env.db"))
	require.NoError(t, err, "IPD_DATABASE chose the database")

	require.NoError(
		t,
		run(ctx, []string{"apply", "--database", filepath.Join(dir, "from-flag.db")}, io.Discard, io.Discard),
	)
	_, err = os.Stat(filepath.Join(dir, "from-flag.db"))
	require.NoError(t, err, "the flag won")

	t.Setenv("IPD_RATE_LIMIT", "lots")
	err = run(ctx, []string{"token", "--organization", "acme", "--scopes", "ip_addresses"}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "IPD_RATE_LIMIT")
}

func TestPools(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, database := demoDatabase(t, dir)
	ctx := context.Background()

	st, err := store.Open(ctx, database)
	require.NoError(t, err)
	org, err := st.OrganizationGetBy(ctx, "sub_domain", "acme")
	require.NoError(t, err)
	network, err := st.NetworkGetBy(ctx, "permalink", "uk-lon-01-public")
	require.NoError(t, err)
	for range 3 {
		_, err := st.AddressCreate(ctx, store.AddressCreateParams{OrganizationID: org.ID, NetworkID: network.ID,
			Version: ipam.IPv4})
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"pools", "--database", database}, &out, io.Discard))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3)
	require.Equal(t, []string{"uk-lon-01-public", "185.44.252.0/22", "lowest", "1021", "3", "1018", "0.29%"},
		strings.Fields(lines[1]))
	require.Equal(t, []string{"uk-lon-01-public", "2a03:2800:500::/48", "lowest", "1208925819614629174706174", "0",
		"1208925819614629174706174", "0.00%"}, strings.Fields(lines[2]))
}

// demoFile writes the demo inventory into dir and returns its path.
func demoFile(t *testing.T, dir string) string {
	t.Helper()
	file := filepath.Join(dir, "inventory.yaml")
	require.NoError(t, os.WriteFile(file, inventory.Demo, 0o600))
	return file
}

// demoDatabase applies the demo inventory to a new SQLite database in dir
// and returns the inventory file's path and the database's.
func demoDatabase(t *testing.T, dir string) (file, database string) {
	t.Helper()
	file = demoFile(t, dir)
	database = filepath.Join(dir, "ipd.db")
	require.NoError(t, run(context.Background(), []string{"apply", "-f", file, "--database", database},
		io.Discard, io.Discard))
	return file, database
}
