package sunrpc

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsNFS = 0
	maxFPNFS   = 0
	minHitsRPC = 0
	maxFPRPC   = 0
)
