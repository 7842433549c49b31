package smtp

// Agreement floors measured on the nDPI corpus (see the test logs).
// The 2 "false positives" are STARTTLS flows nDPI calls SMTPS: we match
// them as SMTP and hand over to TLS, which is the intended behaviour.
const (
	minHitsDissector = 2
	maxFPDissector   = 2
)
