package http

import "github.com/netsift/netsift/event"

// record encodes one transaction as Suricata's EVE "http" object. req or
// resp may be nil (unanswered request; response without a request seen).
type record struct {
	req, resp *tx
}

// AppendEVE writes the http object.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	if q := r.req; q != nil {
		if q.host.n > 0 {
			w.KBytes("hostname", q.get(q.host))
		}
		if q.port != 0 {
			w.KInt("http_port", int64(q.port))
		}
		w.KBytes("url", q.get(q.uri))
		if q.ua.n > 0 {
			w.KBytes("http_user_agent", q.get(q.ua))
		}
		if q.xff.n > 0 {
			w.KBytes("xff", q.get(q.xff))
		}
	}
	if s := r.resp; s != nil && s.ctype.n > 0 {
		w.KBytes("http_content_type", s.get(s.ctype))
	}
	if q := r.req; q != nil {
		if q.referer.n > 0 {
			w.KBytes("http_refer", q.get(q.referer))
		}
		w.KBytes("http_method", q.get(q.method))
		w.KBytes("protocol", q.get(q.proto))
	} else if s := r.resp; s != nil {
		w.KBytes("protocol", s.get(s.proto))
	}
	if s := r.resp; s != nil {
		w.KInt("status", int64(s.status))
		if s.location.n > 0 {
			w.KBytes("redirect", s.get(s.location))
		}
		if s.hasLen {
			w.KInt("length", s.clen)
		}
	}
	w.ObjEnd()
}
