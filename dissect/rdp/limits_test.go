package rdp

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 5
	maxFPDissector   = 0
)
