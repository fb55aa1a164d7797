package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/big"
	"text/tabwriter"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/store"
)

func poolsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd pools", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", "ipd.db", databaseHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	st, err := store.Open(ctx, *database)
	if err != nil {
		return err
	}
	defer st.Close()
	networks, err := st.NetworkList(ctx)
	if err != nil {
		return err
	}

	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "network\tpool\tstrategy\tsize\tused\tfree\tutilization\t")
	for _, n := range networks {
		pools, err := st.PoolList(ctx, n.ID)
		if err != nil {
			return err
		}
		for _, p := range pools {
			fmt.Fprintln(w, poolLine(n, p))
		}
	}
	return w.Flush()
}

// poolLine is one pool's row: how many addresses it may hand out, how
// many exist, how many are free, and the share used. Sizes are exact,
// whatever the prefix, so an IPv6 pool shows all its digits.
func poolLine(n domain.Network, p domain.Pool) string {
	size := p.Capacity().Big()
	used := big.NewInt(p.Allocated)
	free := new(big.Int).Sub(size, used)
	utilization := "-"
	if size.Sign() > 0 {
		share, _ := new(big.Rat).SetFrac(new(big.Int).Mul(used, big.NewInt(100)), size).Float64()
		utilization = fmt.Sprintf("%.2f%%", share)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t", n.Permalink, p.Prefix, p.Strategy, size, used, free, utilization)
}
