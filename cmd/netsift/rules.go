package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/netsift/netsift/rules"
)

func rulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Work with Suricata-language rule files",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "check [--config FILE] [--classification FILE] [--set vars.NAME=VALUE]... [--max-errors N] [--strict] FILE...",
		Short: "Load rule files and report loaded and skipped rules (file:line, reason) and unsupported keywords",
		// The rules package parses its own flags (Suricata-style --set).
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "-h" || a == "--help" {
					return cmd.Help()
				}
			}
			if code := rules.CheckCommand(args, os.Stdout, os.Stderr); code != 0 {
				return &exitError{code, fmt.Errorf("rules check: exit status %d", code)}
			}
			return nil
		},
	})
	return cmd
}
