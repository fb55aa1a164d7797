package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/inventory"
	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

func applyCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "", "the inventory file (YAML) to bring the database to (required)")
	fs.StringVar(file, "f", "", "short for --file")
	dryRun := fs.Bool("dry-run", false, "print the changes apply would make, and make none")
	database := fs.String("database", "ipd.db", databaseHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("apply needs --file")
	}

	inv, err := inventory.ParseFile(*file)
	if err != nil {
		return err
	}
	open := store.Open
	if *dryRun {
		// A dry run changes nothing, so it does not create a database.
		open = store.OpenExisting
	}
	st, err := open(ctx, *database)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, newLogger(stderr), service.Config{})
	plan, err := inventory.NewPlan(ctx, svc, inv)
	if err != nil {
		return err
	}

	for _, c := range plan {
		fmt.Fprintln(stdout, c)
	}
	if *dryRun {
		if len(plan) == 0 {
			fmt.Fprintln(stdout, "no changes")
		}
		return nil
	}
	if err := plan.Apply(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, summary(plan))
	return nil
}

// summary counts the changes of an applied plan by action.
func summary(plan inventory.Plan) string {
	if len(plan) == 0 {
		return "no changes"
	}
	count := map[string]int{}
	for _, c := range plan {
		count[c.Action]++
	}
	return fmt.Sprintf("%d created, %d updated, %d deleted",
		count[domain.ActionCreate], count[domain.ActionUpdate], count[domain.ActionDelete])
}

func tokenCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("organization", "", "sub_domain of the organization the token acts for (required)")
	name := fs.String("name", "ipd token", "the token's name")
	scopes := fs.String("scopes", "", "comma-separated scopes, such as ip_addresses,virtual_machines:read (required)")
	rateLimit := fs.Int("rate-limit", service.DefaultRateLimit, "requests a minute the token may make")
	database := fs.String("database", "ipd.db", databaseHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *org == "" || *scopes == "" {
		return errors.New("token needs --organization and --scopes")
	}

	st, err := store.OpenExisting(ctx, *database)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.OrganizationGetBy(ctx, "sub_domain", *org)
	if err != nil {
		return fmt.Errorf("organization %s: %w", *org, err)
	}
	svc := service.New(st, newLogger(stderr), service.Config{})
	_, secret, err := svc.CreateAPIToken(domain.WithActor(ctx, "ipd token"), domain.APIToken{
		OrganizationID: o.ID, Name: *name, Scopes: strings.Split(*scopes, ","), RateLimit: *rateLimit,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
