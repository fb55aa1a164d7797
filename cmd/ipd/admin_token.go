package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

// adminTokenCommand manages operator tokens, which only someone with the
// database can make: the operator API cannot create its own credentials.
func adminTokenCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "Usage: ipd admin-token create --name NAME | list | delete --id ID [--database PATH|URL]\n\n" +
		"Run \"ipd admin-token create --help\" for the flags."
	if len(args) > 0 && slices.Contains([]string{"help", "-h", "-help", "--help"}, args[0]) {
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "create" && args[0] != "list" && args[0] != "delete" {
		fmt.Fprintln(stderr, usage)
		return errors.New("admin-token needs create, list or delete")
	}
	action := args[0]
	fs := flag.NewFlagSet("ipd admin-token "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "create: what the token is for, such as \"provisioning\" (required)")
	id := fs.String("id", "", "delete: the ID of the token to delete (required)")
	database := fs.String("database", "ipd.db", databaseHelp)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}

	open := store.OpenExisting
	if action == "create" {
		open = store.Open
	}
	st, err := open(ctx, *database)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = domain.WithActor(ctx, "ipd admin-token")
	svc := service.New(st, newLogger(stderr), service.Config{})
	switch action {
	case "create":
		return createOperatorToken(ctx, svc, *name, stdout)
	case "list":
		return listOperatorTokens(ctx, svc, stdout)
	}
	if *id == "" {
		return errors.New("admin-token delete needs --id")
	}
	return svc.DeleteOperatorToken(ctx, *id)
}

func createOperatorToken(ctx context.Context, svc *service.Service, name string, stdout io.Writer) error {
	if name == "" {
		return errors.New("admin-token create needs --name")
	}
	_, secret, err := svc.CreateOperatorToken(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

func listOperatorTokens(ctx context.Context, svc *service.Service, stdout io.Writer) error {
	tokens, err := svc.OperatorTokens(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tCREATED")
	for _, t := range tokens {
		fmt.Fprintf(w, "%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339))
	}
	return w.Flush()
}
