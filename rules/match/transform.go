package match

import (
	"net/netip"
	"sync"
	"time"

	"github.com/netsift/netsift/rules"
)

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// appendTransform appends v with Suricata's sticky-buffer transform t
// applied to dst.
func appendTransform(dst, v []byte, t string) []byte {
	switch t {
	case "dotprefix":
		return append(append(dst, '.'), v...)
	case "to_lowercase":
		for _, c := range v {
			dst = append(dst, lowerTab[c])
		}
		return dst
	case "to_uppercase":
		for _, c := range v {
			if c >= 'a' && c <= 'z' {
				c -= 32
			}
			dst = append(dst, c)
		}
		return dst
	case "strip_whitespace":
		for _, c := range v {
			if !isSpace(c) {
				dst = append(dst, c)
			}
		}
		return dst
	case "compress_whitespace":
		for i, c := range v {
			if isSpace(c) {
				if i > 0 && isSpace(v[i-1]) {
					continue
				}
				c = ' '
			}
			dst = append(dst, c)
		}
		return dst
	case "url_decode":
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c == '%' && i+2 < len(v) && rules.HexDigit(v[i+1]) >= 0 && rules.HexDigit(v[i+2]) >= 0 {
				dst = append(dst, byte(rules.HexDigit(v[i+1])<<4|rules.HexDigit(v[i+2])))
				i += 2
				continue
			}
			if c == '+' {
				c = ' '
			}
			dst = append(dst, c)
		}
		return dst
	}
	// The parser only accepts the transforms above.
	return append(dst, v...)
}

// thresholdTab holds threshold / detection_filter counters, keyed by rule
// and tracked address(es) or flow. Entries whose window has passed are
// pruned when the table grows past thrPruneAt.
type thresholdTab struct {
	mu sync.Mutex
	m  map[thrKey]*thrEntry
}

const thrPruneAt = 1 << 16

type thrKey struct {
	gid, sid uint32
	df       bool // detection_filter (a rule may have both)
	a, b     netip.Addr
	flow     *FlowState
}

type thrEntry struct {
	first time.Time
	count uint32
	secs  time.Duration
}

func (t *thresholdTab) init() { t.m = map[thrKey]*thrEntry{} }

// allow applies the rule's threshold and detection_filter (Suricata's
// semantics, windows measured with tx.Time):
//   - limit: alert on the first count matches of each window;
//   - threshold: alert on every count-th match within a window;
//   - both: alert once per window, at the count-th match;
//   - detection_filter: alert on every match after the count-th in a window.
func (t *thresholdTab) allow(cr *crule, tx *Tx) bool {
	r := cr.r
	ok := true
	if r.DetectionFilter != nil {
		ok = t.step(cr, tx, true)
	}
	if r.Threshold != nil {
		ok = t.step(cr, tx, false) && ok
	}
	return ok
}

// step counts one match against the detection_filter (df) or threshold of
// the rule and reports whether it may alert.
func (t *thresholdTab) step(cr *crule, tx *Tx, df bool) bool {
	r := cr.r
	th := r.Threshold
	if df {
		th = r.DetectionFilter
	}
	k := thrKey{gid: r.GID, sid: r.SID, df: df}
	switch th.Track {
	case "by_src":
		k.a = tx.Src
	case "by_dst":
		k.a = tx.Dst
	case "by_both":
		k.a, k.b = tx.Src, tx.Dst
	case "by_flow":
		k.flow = tx.Flow
	}
	secs := time.Duration(th.Seconds) * time.Second
	now := tx.Time
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.m[k]
	if e == nil {
		if len(t.m) >= thrPruneAt {
			for kk, ee := range t.m {
				if now.Sub(ee.first) >= ee.secs {
					delete(t.m, kk)
				}
			}
		}
		e = &thrEntry{first: now, secs: secs}
		t.m[k] = e
	} else if now.Sub(e.first) < secs {
		e.count++
		switch {
		case df:
			return e.count > th.Count
		case th.Type == "limit":
			return e.count <= th.Count
		case th.Type == "threshold":
			if e.count >= th.Count {
				e.count = 0
				return true
			}
			return false
		default: // both
			return e.count == th.Count
		}
	}
	// A new window starts with this match.
	e.first, e.count = now, 1
	switch {
	case df:
		return 1 > th.Count
	case th.Type == "threshold":
		if th.Count <= 1 {
			e.count = 0
			return true
		}
		return false
	default: // limit, both
		return th.Count >= 1 && (th.Type == "limit" || th.Count == 1)
	}
}
