package tlshello

import (
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"time"

	"github.com/netsift/netsift/event"
)

// CertInfo holds the facts Suricata logs about a certificate, already in
// EVE form. It is built once per flow, so it owns ordinary strings.
type CertInfo struct {
	Subject     string   // "C=US, O=Example, CN=example.com" (certificate order)
	Issuer      string   // same form
	Serial      string   // "0C:9A:…" upper-case hex bytes joined by ':'
	Fingerprint string   // SHA-1 of the DER, "aa:bb:…"
	NotBefore   string   // "2016-02-17T00:00:00" (UTC)
	NotAfter    string   //
	DNSNames    []string // subjectAltName dNSName entries
}

// ParseCertificate extracts CertInfo from DER bytes. It first tries
// crypto/x509; when that rejects the certificate (odd encodings are common
// in the wild) it falls back to a lenient read of the TBSCertificate's
// first fields. ok is false when even that fails; the fingerprint is set
// whenever der is non-empty.
func ParseCertificate(der []byte) (ci CertInfo, ok bool) {
	if len(der) == 0 {
		return ci, false
	}
	sum := sha1.Sum(der)
	ci.Fingerprint = string(event.AppendHex(nil, sum[:], ':'))
	if parseCertFast(der, &ci) {
		return ci, true
	}
	if c, err := x509.ParseCertificate(der); err == nil {
		ci.Subject = parseDN(c.RawSubject)
		ci.Issuer = parseDN(c.RawIssuer)
		if c.SerialNumber != nil {
			ci.Serial = formatSerial(c.SerialNumber.Bytes())
		}
		ci.NotBefore = formatTime(c.NotBefore)
		ci.NotAfter = formatTime(c.NotAfter)
		ci.DNSNames = c.DNSNames
		return ci, true
	}
	return lenientCert(der, ci)
}

// tbsLenient is the start of a TBSCertificate with every field kept raw so
// that unusual contents (negative serials, odd times) do not fail.
type tbsLenient struct {
	Raw       asn1.RawContent
	Version   asn1.RawValue `asn1:"optional,explicit,tag:0"`
	Serial    asn1.RawValue
	SigAlg    asn1.RawValue
	Issuer    asn1.RawValue
	Validity  validityRaw
	Subject   asn1.RawValue
	Remainder []asn1.RawValue `asn1:"optional"`
}

type validityRaw struct {
	NotBefore, NotAfter asn1.RawValue
}

type certLenient struct {
	TBS  tbsLenient
	Rest []asn1.RawValue `asn1:"optional"`
}

func lenientCert(der []byte, ci CertInfo) (CertInfo, bool) {
	var c certLenient
	if _, err := asn1.Unmarshal(der, &c); err != nil {
		return ci, false
	}
	t := &c.TBS
	b := t.Serial.Bytes
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	ci.Serial = formatSerial(b)
	ci.Subject = parseDN(t.Subject.FullBytes)
	ci.Issuer = parseDN(t.Issuer.FullBytes)
	ci.NotBefore = lenientTime(t.Validity.NotBefore)
	ci.NotAfter = lenientTime(t.Validity.NotAfter)
	return ci, true
}

func lenientTime(v asn1.RawValue) string {
	var tm time.Time
	var err error
	switch v.Tag {
	case asn1.TagUTCTime:
		tm, err = time.Parse("060102150405Z0700", string(v.Bytes))
		if err == nil && tm.Year() >= 2050 {
			tm = tm.AddDate(-100, 0, 0)
		}
	case asn1.TagGeneralizedTime:
		tm, err = time.Parse("20060102150405Z0700", string(v.Bytes))
	default:
		return ""
	}
	if err != nil {
		return ""
	}
	return formatTime(tm)
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

func formatSerial(b []byte) string {
	if len(b) == 0 {
		return "00"
	}
	s := event.AppendHex(nil, b, ':')
	return strings.ToUpper(string(s))
}

var attrNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.4":                    "SN",
	"2.5.4.42":                   "GN",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
	"2.5.4.15":                   "businessCategory",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1":  "UID",
	"1.3.6.1.4.1.311.60.2.1.3":   "jurisdictionC",
	"1.3.6.1.4.1.311.60.2.1.2":   "jurisdictionST",
	"1.3.6.1.4.1.311.60.2.1.1":   "jurisdictionL",
}

// FormatDN writes a distinguished name the way Suricata logs it: RDNs in
// certificate order joined by ", ", attributes as SHORT=value, several
// attributes of one RDN joined by " + ", unknown types as dotted OIDs.
// atvRaw and rdnSET read a distinguished name without validating the
// string types: encoding/asn1 rejects a PrintableString holding a NUL
// byte, which is exactly what a null-byte injection certificate carries
// (and what rules look for, as Suricata shows the bytes as they are).
type atvRaw struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

type rdnSET []atvRaw

// parseDN formats a DER Name; "" when it is not one.
func parseDN(der []byte) string {
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(der, &rdns); err == nil {
		return FormatDN(rdns)
	}
	var raw []rdnSET
	if _, err := asn1.Unmarshal(der, &raw); err != nil {
		return ""
	}
	rdns = make(pkix.RDNSequence, 0, len(raw))
	for _, set := range raw {
		rdn := make([]pkix.AttributeTypeAndValue, 0, len(set))
		for _, a := range set {
			rdn = append(rdn, pkix.AttributeTypeAndValue{Type: a.Type, Value: string(a.Value.Bytes)})
		}
		rdns = append(rdns, rdn)
	}
	return FormatDN(rdns)
}

func FormatDN(rdns pkix.RDNSequence) string {
	var sb strings.Builder
	for i, rdn := range rdns {
		if i > 0 {
			sb.WriteString(", ")
		}
		for j, atv := range rdn {
			if j > 0 {
				sb.WriteString(" + ")
			}
			oid := atv.Type.String()
			if n, ok := attrNames[oid]; ok {
				sb.WriteString(n)
			} else {
				sb.WriteString(oid)
			}
			sb.WriteByte('=')
			switch v := atv.Value.(type) {
			case string:
				sb.WriteString(v)
			case []byte:
				sb.Write(v)
			default:
				sb.WriteString("?")
			}
		}
	}
	return sb.String()
}
