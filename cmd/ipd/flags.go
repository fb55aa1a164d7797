package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// parseFlags parses a command's flags. Each flag may also be set by an
// environment variable named IPD_ and the flag's name in capitals with
// underscores, IPD_DATABASE for --database; a flag on the command line
// wins over the variable. --help lists the variables beside the flags.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		value, ok := os.LookupEnv(envName(f.Name))
		if !ok || err != nil {
			return
		}
		if setErr := f.Value.Set(value); setErr != nil {
			err = fmt.Errorf("%s: %w", envName(f.Name), setErr)
		}
	})
	if err != nil {
		return err
	}

	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprintln(
			fs.Output(),
			"\nEach flag may also be set by its environment variable; a flag given on the command line wins:",
		)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(fs.Output(), "  %-28s --%s\n", envName(f.Name), f.Name)
		})
	}
	return fs.Parse(args)
}

// envName returns the environment variable that sets the flag name.
func envName(name string) string {
	return "IPD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}
