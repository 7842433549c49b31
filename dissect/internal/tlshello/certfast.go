package tlshello

import (
	"encoding/asn1"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// parseCertFast reads the fields CertInfo needs straight from the DER with
// cryptobyte: serial, issuer, validity, subject and the subjectAltName
// dNSNames, skipping the public key and the other extensions, which
// crypto/x509 parses too. On the bench capture (bench/run.sh) x509's
// ParseCertificate was 9% of netsift's CPU time; this is several times
// cheaper (BenchmarkParseCertificate). ok is false when the structure is
// not the expected one; the caller then falls back to x509 and the
// lenient reader.
func parseCertFast(der []byte, ci *CertInfo) bool {
	in := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !in.Empty() || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return false
	}
	// version [0] EXPLICIT INTEGER OPTIONAL
	if !tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return false
	}
	var serial cryptobyte.String
	if !tbs.ReadASN1(&serial, cbasn1.INTEGER) || !tbs.SkipASN1(cbasn1.SEQUENCE) { // serial, signature algorithm
		return false
	}
	var issuer, validity, subject cryptobyte.String
	if !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) || !tbs.ReadASN1(&validity, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) || !tbs.SkipASN1(cbasn1.SEQUENCE) { // subjectPublicKeyInfo
		return false
	}
	var nb, na time.Time
	if !readCertTime(&validity, &nb) || !readCertTime(&validity, &na) {
		return false
	}
	// issuerUniqueID [1], subjectUniqueID [2]: skipped; extensions [3].
	if !tbs.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific()) || !tbs.SkipOptionalASN1(cbasn1.Tag(2).ContextSpecific()) {
		return false
	}
	var dns []string
	var exts cryptobyte.String
	var hasExts bool
	if !tbs.ReadOptionalASN1(&exts, &hasExts, cbasn1.Tag(3).Constructed().ContextSpecific()) {
		return false
	}
	if hasExts {
		var list cryptobyte.String
		if !exts.ReadASN1(&list, cbasn1.SEQUENCE) {
			return false
		}
		for !list.Empty() {
			var ext, oid, val cryptobyte.String
			if !list.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) {
				return false
			}
			if !ext.SkipOptionalASN1(cbasn1.BOOLEAN) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) {
				return false
			}
			if string(oid) != "\x55\x1d\x11" { // 2.5.29.17 subjectAltName
				continue
			}
			var names cryptobyte.String
			if !val.ReadASN1(&names, cbasn1.SEQUENCE) {
				return false
			}
			for !names.Empty() {
				var name cryptobyte.String
				var tag cbasn1.Tag
				if !names.ReadAnyASN1(&name, &tag) {
					return false
				}
				if tag == cbasn1.Tag(2).ContextSpecific() { // dNSName
					dns = append(dns, string(name))
				}
			}
		}
	}
	b := []byte(serial)
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	ci.Serial = formatSerial(b)
	var ok bool
	if ci.Issuer, ok = dnFast(issuer); !ok {
		ci.Issuer = parseDN(issuer)
	}
	if ci.Subject, ok = dnFast(subject); !ok {
		ci.Subject = parseDN(subject)
	}
	ci.NotBefore, ci.NotAfter = formatTime(nb), formatTime(na)
	ci.DNSNames = dns
	return true
}

// readCertTime reads a UTCTime or GeneralizedTime.
func readCertTime(s *cryptobyte.String, t *time.Time) bool {
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		return s.ReadASN1UTCTime(t)
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		return s.ReadASN1GeneralizedTime(t)
	}
	return false
}

// attrNamesDER is attrNames keyed by the OIDs' DER contents, so a name is
// found without formatting the OID.
var attrNamesDER = func() map[string]string {
	m := make(map[string]string, len(attrNames))
	for dotted, short := range attrNames {
		var oid asn1.ObjectIdentifier
		for _, part := range strings.Split(dotted, ".") {
			n, _ := strconv.Atoi(part)
			oid = append(oid, n)
		}
		der, err := asn1.Marshal(oid)
		if err != nil || len(der) < 2 {
			continue
		}
		m[string(der[2:])] = short // contents, without tag and length
	}
	return m
}()

// dnFast formats a DER Name as FormatDN does, reading it with cryptobyte
// (asn1.Unmarshal's reflection cost as much as the rest of a certificate).
// Attribute values are taken as their bytes, BMPString decoded from
// UCS-2; false sends the caller to parseDN.
func dnFast(der []byte) (string, bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(len(der))
	for i := 0; !seq.Empty(); i++ {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return "", false
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		for j := 0; !set.Empty(); j++ {
			var atv, oid, val cryptobyte.String
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) || !atv.ReadAnyASN1(&val, &tag) {
				return "", false
			}
			if j > 0 {
				sb.WriteString(" + ")
			}
			if n, ok := attrNamesDER[string(oid)]; ok {
				sb.WriteString(n)
			} else {
				var o asn1.ObjectIdentifier
				full := cryptobyte.String(append([]byte{6, byte(len(oid))}, oid...))
				if len(oid) > 127 || !full.ReadASN1ObjectIdentifier(&o) {
					return "", false
				}
				sb.WriteString(o.String())
			}
			sb.WriteByte('=')
			if tag == cbasn1.Tag(30) { // BMPString: UCS-2 big-endian
				if len(val)%2 != 0 {
					return "", false
				}
				for k := 0; k+1 < len(val); k += 2 {
					sb.WriteRune(rune(val[k])<<8 | rune(val[k+1]))
				}
				continue
			}
			sb.Write(val)
		}
	}
	return sb.String(), true
}
