package engine

import (
	"time"

	"github.com/netsift/netsift/capture"
)

func captureInfo(link int, frame []byte, ts time.Time) capture.Info {
	return capture.Info{Time: ts, CapLen: len(frame), Len: len(frame), LinkType: link}
}
