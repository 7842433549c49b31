package ldap

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 9
	maxFPDissector   = 0
)
