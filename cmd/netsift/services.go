package main

import "github.com/netsift/netsift/engine"

// serviceTable returns the service matcher the engine uses.
func serviceTable() engine.Services { return nil }
