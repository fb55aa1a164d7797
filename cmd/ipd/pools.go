package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/big"
	"text/tabwriter"

	"github.com/ipd/ipd/internal/service"
	"github.com/ipd/ipd/internal/store"
)

func poolsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd pools", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", "ipd.db", databaseHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	st, err := store.OpenExisting(ctx, *database)
	if err != nil {
		return err
	}
	defer st.Close()
	pools, err := service.New(st, newLogger(stderr), service.Config{}).Pools(ctx)
	if err != nil {
		return err
	}

	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "network\tpool\tstrategy\tsize\tused\tfree\tutilization\t")
	for _, p := range pools {
		fmt.Fprintln(w, poolLine(p))
	}
	return w.Flush()
}

// poolLine is one pool's row: how many addresses it may hand out, how
// many exist, how many are free, and the share used. Sizes are exact,
// whatever the prefix, so an IPv6 pool shows all its digits.
func poolLine(p service.PoolUsage) string {
	size := p.Size()
	used := big.NewInt(p.Pool.Allocated)
	free := new(big.Int).Sub(size, used)
	utilization := "-"
	if size.Sign() > 0 {
		share, _ := new(big.Rat).SetFrac(new(big.Int).Mul(used, big.NewInt(100)), size).Float64()
		utilization = fmt.Sprintf("%.2f%%", share)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t",
		p.Network.Permalink, p.Pool.Prefix, p.Pool.Strategy, size, used, free, utilization)
}
