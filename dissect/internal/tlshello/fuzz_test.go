package tlshello

import "testing"

// FuzzHello feeds arbitrary bytes to every parser and fingerprint of this
// package: none may panic.
func FuzzHello(f *testing.F) {
	f.Add(chromeHello(&testing.T{}))
	f.Add([]byte{3, 3})
	for _, der := range testCerts(f) {
		f.Add(der) // certificates: parseCertFast and dnFast
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ch ClientHello
		buf := make([]byte, 0, 512)
		for _, dtls := range []bool{false, true} {
			ParseClientHello(b, dtls, &ch)
			buf = ch.AppendJA3(buf[:0])
			buf = ch.AppendJA4(buf[:0], JA4TCP)
			ch.MaxVersion()
		}
		ParseSSLv2ClientHello(b, make([]byte, 0, len(b)), &ch)
		ch.AppendJA3(buf[:0])
		var sh ServerHello
		ParseServerHello(b, &sh)
		sh.AppendJA3S(buf[:0])
		if der, _, _ := FirstCertificate(b); der != nil {
			ParseCertificate(der)
		}
		ParseCertificate(b)
		r := Reassembler{Max: 1024}
		for i := 0; i+3 <= len(b); i += 3 {
			r.Add(uint64(b[i])<<2, b[i+1:i+3])
		}
		r.Prefix()
	})
}
