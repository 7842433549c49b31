package bittorrent

import (
	"net/netip"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// DHT identifies the BitTorrent Mainline DHT (BEP 5): KRPC messages, one
// bencoded dictionary per UDP datagram with a message type "y" of "q"
// (query), "r" (response) or "e" (error). Its parser writes Suricata's
// "bittorrent_dht" EVE events.
var DHT = &dissect.Dissector{
	Name:      "bittorrent-dht",
	EVE:       "bittorrent-dht",
	Transport: dissect.UDP,
	Ports:     []uint16{6881},
	Probe:     probeDHT,
	New:       func() dissect.Parser { return &dhtParser{} },
}

func probeDHT(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 12 || b[0] != 'd' || b[1] < '1' || b[1] > '9' {
		return dissect.NoMatch
	}
	if skipValue(b, 0, 0) != len(b) {
		return dissect.NoMatch
	}
	var y byte
	if !dictEach(b, 0, func(k []byte, vs, ve int) {
		if string(k) == "y" && ve-vs == 3 && b[vs] == '1' && b[vs+1] == ':' {
			y = b[vs+2]
		}
	}) {
		return dissect.NoMatch
	}
	if y == 'q' || y == 'r' || y == 'e' {
		return dissect.Match
	}
	return dissect.NoMatch
}

// dhtRecord is one KRPC message; its slices point into the datagram and are
// valid only until the event is written.
type dhtRecord struct {
	b            []byte
	tid, version []byte
	y            byte
	method       []byte
	args, resp   [2]int // bounds of the "a" / "r" dictionaries
	errv         [2]int // bounds of the "e" list
	scratch      []byte
}

func (r *dhtRecord) AppendEVE(w *event.Writer) {
	w.ObjStart()
	if r.tid != nil {
		w.KHex("transaction_id", r.tid)
	}
	if r.version != nil {
		w.KHex("client_version", r.version)
	}
	switch r.y {
	case 'q':
		if r.method != nil {
			w.KBytes("request_type", r.method)
		}
		if r.args[1] > 0 {
			w.Key("request")
			w.ObjStart()
			dictEach(r.b, r.args[0], func(k []byte, vs, ve int) {
				switch string(k) {
				case "id", "target", "info_hash", "token":
					if s, e := readString(r.b, vs); s >= 0 {
						w.KHex(constKey(k), r.b[s:e])
					}
				case "port", "implied_port":
					if v, ok := readInt(r.b, vs, ve); ok {
						w.KInt(constKey(k), v)
					}
				}
			})
			w.ObjEnd()
		}
	case 'r':
		if r.resp[1] > 0 {
			w.Key("response")
			w.ObjStart()
			hasID := false
			dictEach(r.b, r.resp[0], func(k []byte, vs, ve int) {
				switch string(k) {
				case "id", "token":
					if s, e := readString(r.b, vs); s >= 0 {
						w.KHex(constKey(k), r.b[s:e])
						hasID = hasID || string(k) == "id"
					}
				case "nodes", "nodes6":
					if s, e := readString(r.b, vs); s >= 0 {
						r.appendNodes(w, constKey(k), r.b[s:e])
					}
				case "values":
					r.appendValues(w, vs, ve)
				}
			})
			if !hasID {
				w.KString("id", "")
			}
			w.ObjEnd()
		}
	case 'e':
		if r.errv[1] > 0 {
			w.Key("error")
			w.ObjStart()
			i := r.errv[0] + 1
			if v, ok := readInt(r.b, i, skipValue(r.b, i, 1)); ok {
				w.KInt("num", v)
				i = skipValue(r.b, i, 1)
			}
			if s, e := readString(r.b, i); s >= 0 {
				w.KBytes("msg", r.b[s:e])
			}
			w.ObjEnd()
		}
	}
	w.ObjEnd()
}

// constKey returns the EVE field name for a KRPC key as a constant, so
// writing it does not allocate.
func constKey(k []byte) string {
	switch string(k) {
	case "id":
		return "id"
	case "target":
		return "target"
	case "info_hash":
		return "info_hash"
	case "token":
		return "token"
	case "port":
		return "port"
	case "implied_port":
		return "implied_port"
	case "nodes":
		return "nodes"
	case "nodes6":
		return "nodes6"
	}
	return "unknown"
}

// appendNodes writes compact node info: 20-byte id, then a 4- or 16-byte
// address and a port.
func (r *dhtRecord) appendNodes(w *event.Writer, key string, v []byte) {
	alen := 4
	if key == "nodes6" {
		alen = 16
	}
	step := 20 + alen + 2
	w.Key(key)
	w.ArrStart()
	for ; len(v) >= step; v = v[step:] {
		w.ObjStart()
		w.KHex("id", v[:20])
		r.appendAddr(w, v[20:20+alen], v[20+alen:step])
		w.ObjEnd()
	}
	w.ArrEnd()
}

func (r *dhtRecord) appendValues(w *event.Writer, vs, ve int) {
	if r.b[vs] != 'l' {
		return
	}
	w.Key("values")
	w.ArrStart()
	for i := vs + 1; i < ve-1; {
		s, e := readString(r.b, i)
		if s < 0 {
			break
		}
		if e-s == 6 || e-s == 18 {
			w.ObjStart()
			r.appendAddr(w, r.b[s:e-2], r.b[e-2:e])
			w.ObjEnd()
		}
		i = e
	}
	w.ArrEnd()
}

func (r *dhtRecord) appendAddr(w *event.Writer, ip, port []byte) {
	var a netip.Addr
	if len(ip) == 4 {
		a = netip.AddrFrom4([4]byte(ip))
	} else {
		a = netip.AddrFrom16([16]byte(ip))
	}
	r.scratch = a.AppendTo(r.scratch[:0])
	w.KBytes("ip", r.scratch)
	w.KUint("port", uint64(port[0])<<8|uint64(port[1]))
}

// readInt parses a bencoded integer occupying b[vs:ve].
func readInt(b []byte, vs, ve int) (int64, bool) {
	if vs < 0 || ve <= vs || ve > len(b) || b[vs] != 'i' || b[ve-1] != 'e' {
		return 0, false
	}
	neg, v := false, int64(0)
	i := vs + 1
	if i < ve-1 && b[i] == '-' {
		neg = true
		i++
	}
	for ; i < ve-1; i++ {
		if v > 1<<50 {
			return 0, false
		}
		v = v*10 + int64(b[i]-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// dhtParser writes one event per well-formed KRPC datagram.
type dhtParser struct {
	rec dhtRecord
}

var _ dissect.Parser = (*dhtParser)(nil)

func (p *dhtParser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if skipValue(data, 0, 0) != len(data) || data[0] != 'd' {
		c.Emit.Anomaly("bittorrent_dht.malformed")
		return dissect.Continue
	}
	scratch := p.rec.scratch
	p.rec = dhtRecord{b: data, scratch: scratch}
	r := &p.rec
	dictEach(data, 0, func(k []byte, vs, ve int) {
		s, e := readString(data, vs)
		switch string(k) {
		case "t":
			if s >= 0 {
				r.tid = data[s:e]
			}
		case "v":
			if s >= 0 {
				r.version = data[s:e]
			}
		case "y":
			if s >= 0 && e-s == 1 {
				r.y = data[s]
			}
		case "q":
			if s >= 0 {
				r.method = data[s:e]
			}
		case "a":
			if data[vs] == 'd' {
				r.args = [2]int{vs, ve}
			}
		case "r":
			if data[vs] == 'd' {
				r.resp = [2]int{vs, ve}
			}
		case "e":
			if data[vs] == 'l' {
				r.errv = [2]int{vs, ve}
			}
		}
	})
	if r.y != 'q' && r.y != 'r' && r.y != 'e' {
		c.Emit.Anomaly("bittorrent_dht.unknown_type")
		return dissect.Continue
	}
	c.Emit.Event(dir, "bittorrent_dht", r)
	p.rec.b = nil
	return dissect.Continue
}

func (p *dhtParser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *dhtParser) Close(c *dissect.Ctx)                       {}
