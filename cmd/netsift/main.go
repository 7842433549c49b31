// Command netsift is the CLI: it parses flags, builds the engine and runs
// it. No logic lives here.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries an exit status through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	root := &cobra.Command{
		Use:           "netsift",
		Short:         "netsift — deep packet inspection: flows, applications, metadata, EVE JSON",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(readCmd())
	root.AddCommand(protocolsCmd())
	root.AddCommand(inlineCmd())
	root.AddCommand(rulesCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "netsift:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(2)
	}
}
