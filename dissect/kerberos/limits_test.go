package kerberos

// Agreement floors measured on the nDPI corpus (see the test logs).
// The 12 misses are flows captured mid-stream in both directions
// (kerberos.pcap), which only a port guess can name.
const (
	minHitsDissector = 13
	maxFPDissector   = 0
)
