package xmpp

// Agreement floors measured on the nDPI corpus (see the test logs).
// The 6 misses are TLS-like traffic on port 5223 that nDPI calls Jabber
// by port/IP; it carries no XMPP framing.
const (
	minHitsDissector = 7
	maxFPDissector   = 0
)
