package rtsp

// Agreement floors measured on the nDPI corpus (see the test logs).
const (
	minHitsDissector = 1
	maxFPDissector   = 0
)
