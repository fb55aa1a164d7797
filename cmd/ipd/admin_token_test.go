package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAdminToken creates, lists and deletes an operator token the way an
// operator would, on the database.
func TestAdminToken(t *testing.T) {
	t.Parallel()
	database := filepath.Join(t.TempDir(), "ipd.db")
	ctx := context.Background()
	adminToken := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(append([]string{"admin-token"}, args...), "--database", database), &out, io.Discard)
		return out.String(), err
	}

	secret, err := adminToken("create", "--name", "provisioning")
	require.NoError(t, err)
	require.Regexp(t, `^ipdop_[A-Z2-7]{42}\n$`, secret)

	listed, err := adminToken("list")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(listed), "\n")
	require.Len(t, lines, 2)
	fields := strings.Fields(lines[1])
	require.Equal(t, "provisioning", fields[1])
	require.NotContains(t, listed, strings.TrimSpace(secret)[6:], "the list never shows a secret")

	_, err = adminToken("delete", "--id", fields[0])
	require.NoError(t, err)
	listed, err = adminToken("list")
	require.NoError(t, err)
	require.NotContains(t, listed, fields[0])

	_, err = adminToken("delete", "--id", fields[0])
	require.ErrorContains(t, err, "not found")
	_, err = adminToken("create")
	require.ErrorContains(t, err, "--name")
	_, err = adminToken("rotate")
	require.ErrorContains(t, err, "create, list or delete")
}

// TestCommandsThatNeedADatabase refuses a SQLite path with no database
// behind it, for the commands that only read one or add to it, and creates
// nothing there.
func TestCommandsThatNeedADatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	file := demoFile(t, dir)
	for _, args := range [][]string{
		{"apply", "--dry-run", "-f", file},
		{"pools"},
		{"token", "--organization", "acme", "--scopes", "ip_addresses"},
		{"admin-token", "list"},
	} {
		err := run(context.Background(), append(args, "--database", missing), io.Discard, io.Discard)
		require.ErrorContains(t, err, "no such file", args)
		require.NoFileExists(t, missing, args)
	}
	require.ErrorIs(
		t,
		run(context.Background(), []string{"admin-token", "--help"}, io.Discard, io.Discard),
		flag.ErrHelp,
	)
}
