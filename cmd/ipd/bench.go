package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ipd/ipd/internal/bench"
)

func benchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipd bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	urls := fs.String("url", "http://127.0.0.1:8080", "comma-separated base URLs of the ipd servers to drive")
	fs.StringVar(&cfg.Token, "token", "", "API token with the ip_addresses scope (required)")
	fs.StringVar(&cfg.InterfaceID, "interface", "", "ID of the vmnet_ interface to allocate to (required)")
	fs.StringVar(&cfg.Version, "version", "ipv4", "address version: ipv4 or ipv6")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients")
	fs.IntVar(&cfg.Requests, "requests", 2000, "allocations to attempt in all")
	fs.BoolVar(&cfg.Churn, "churn", false,
		"unallocate and delete each address after allocating it, to hold a steady state")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.Token == "" || cfg.InterfaceID == "" {
		return errors.New("bench needs --token and --interface (ipd demo prints both)")
	}
	cfg.URLs = strings.Split(*urls, ",")

	report, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	report.Write(stdout)
	switch {
	case len(report.Duplicates) > 0:
		return fmt.Errorf("%d addresses were handed out twice", len(report.Duplicates))
	case report.Allocations == 0:
		return errors.New("no allocation succeeded")
	}
	return nil
}
