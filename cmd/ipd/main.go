// Command ipd is the IP address management service: it serves the
// IP-address slice of the Katapult Core API v1 over an embedded SQLite
// database or a shared PostgreSQL one.
//
// Usage:
//
//	ipd serve [--listen ADDR] [--database PATH|URL]
//	ipd apply --file FILE [--dry-run] [--database PATH|URL]
//	ipd token --organization SUB_DOMAIN --scopes SCOPE,... [--database PATH|URL]
//	ipd admin-token create|list|delete [--name NAME] [--id ID] [--database PATH|URL]
//	ipd pools [--database PATH|URL]
//	ipd demo  [--listen ADDR] [--database PATH|URL]
//	ipd bench --token TOKEN --interface VMNET [--url URL,...] [--clients N] [--requests N] [--churn]
//
// Run "ipd COMMAND --help" for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"serve":       {"serve the API", serveCommand},
	"apply":       {"bring the database to an inventory file, or print the changes with --dry-run", applyCommand},
	"token":       {"create an API token for an organization", tokenCommand},
	"admin-token": {"create, list or delete operator tokens for the operator API", adminTokenCommand},
	"pools":       {"print each pool's size, used and free addresses, and utilization", poolsCommand},
	"demo":        {"load the demo inventory into a fresh database, print a token and serve", demoCommand},
	"bench":       {"drive running ipd servers with concurrent allocate_new_ip calls", benchCommand},
}

// commandOrder is the order usage lists the commands in.
var commandOrder = []string{"serve", "apply", "token", "admin-token", "pools", "demo", "bench"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipd:", err)
		os.Exit(1)
	}
}

// run dispatches args to the subcommand they name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return errors.New("no command given")
	}
	if slices.Contains([]string{"help", "-h", "-help", "--help"}, args[0]) {
		usage(stdout)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		usage(stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ipd COMMAND [flags]\n\nCommands:")
	for _, name := range commandOrder {
		fmt.Fprintf(w, "  %-12s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun \"ipd COMMAND --help\" for a command's flags.")
}
