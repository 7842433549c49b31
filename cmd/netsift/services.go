package main

import (
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/services"
)

// serviceTable returns the service matcher the engine uses.
func serviceTable() engine.Services { return services.ForEngine(services.Default()) }
