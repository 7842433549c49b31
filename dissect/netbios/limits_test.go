package netbios

// Agreement floors measured on the nDPI corpus (see the test logs).
// Misses: two SMB flows on 445 that nDPI files under NetBIOS (package smb
// takes them) and one 1-byte TCP 139 segment.
const (
	minHitsDissector = 29
	maxFPDissector   = 0
)
