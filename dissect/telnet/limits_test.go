package telnet

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 0
	maxFPDissector   = 0
)
