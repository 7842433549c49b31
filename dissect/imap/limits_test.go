package imap

// Agreement floors measured on the nDPI corpus (see the test logs).
// The "false positive" is a STARTTLS flow nDPI calls IMAPS (see smtp).
const (
	minHitsDissector = 0
	maxFPDissector   = 1
)
