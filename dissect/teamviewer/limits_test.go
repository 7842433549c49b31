package teamviewer

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 2
	maxFPDissector   = 0
)
