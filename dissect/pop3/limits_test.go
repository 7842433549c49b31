package pop3

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 6
	maxFPDissector   = 0
)
