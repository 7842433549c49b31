package smb

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 4
	maxFPDissector   = 0
	minHitsSMB1      = 1
	maxFPSMB1        = 0
)
