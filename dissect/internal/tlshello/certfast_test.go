package tlshello

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"reflect"
	"testing"
	"time"
)

// slowCert is ParseCertificate without the fast path: crypto/x509, then
// the lenient reader (the reference).
func slowCert(der []byte) (CertInfo, bool) {
	var ci CertInfo
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return lenientCert(der, ci)
	}
	ci.Subject, ci.Issuer = parseDN(c.RawSubject), parseDN(c.RawIssuer)
	if c.SerialNumber != nil {
		ci.Serial = formatSerial(c.SerialNumber.Bytes())
	}
	ci.NotBefore, ci.NotAfter = formatTime(c.NotBefore), formatTime(c.NotAfter)
	ci.DNSNames = c.DNSNames
	return ci, true
}

func testCerts(t testing.TB) [][]byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for i, tc := range []struct {
		serial   *big.Int
		subject  pkix.Name
		dns      []string
		from, to time.Time
	}{
		{big.NewInt(1), pkix.Name{CommonName: "example.com", Organization: []string{"Example"}}, []string{"example.com", "www.example.com"},
			time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{new(big.Int).SetBytes([]byte{0x80, 0x01, 0x02}), pkix.Name{CommonName: "no-sans", Country: []string{"US"}, Province: []string{"WA"}}, nil,
			time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(2051, 6, 1, 0, 0, 0, 0, time.UTC)}, // GeneralizedTime after 2049
		{big.NewInt(0x7fffffff), pkix.Name{CommonName: "*.wild.example", OrganizationalUnit: []string{"a", "b"}}, []string{"*.wild.example"},
			time.Date(2020, 2, 29, 12, 0, 0, 0, time.UTC), time.Date(2030, 2, 28, 12, 0, 0, 0, time.UTC)},
	} {
		tmpl := &x509.Certificate{SerialNumber: tc.serial, Subject: tc.subject, DNSNames: tc.dns, NotBefore: tc.from, NotAfter: tc.to,
			Issuer: pkix.Name{CommonName: "Test CA"}, IPAddresses: nil}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatalf("cert %d: %v", i, err)
		}
		out = append(out, der)
	}
	return out
}

// TestParseCertFast: the cryptobyte reader gives what crypto/x509 gives.
func TestParseCertFast(t *testing.T) {
	for i, der := range testCerts(t) {
		var fast CertInfo
		if !parseCertFast(der, &fast) {
			t.Fatalf("cert %d: fast parse failed", i)
		}
		slow, ok := slowCert(der)
		if !ok {
			t.Fatalf("cert %d: reference failed", i)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("cert %d:\nfast %+v\nslow %+v", i, fast, slow)
		}
	}
	// Garbage and truncations: no panic, no success on non-certificates.
	der := testCerts(t)[0]
	for n := 0; n < len(der); n += 7 {
		var ci CertInfo
		parseCertFast(der[:n], &ci)
	}
}

func BenchmarkParseCertificate(b *testing.B) {
	der := testCerts(b)[0]
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var ci CertInfo
			parseCertFast(der, &ci)
		}
	})
	b.Run("x509", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			slowCert(der)
		}
	})
}

// TestDNFast: dnFast formats like parseDN, for BMPString, unknown OIDs,
// multi-attribute RDNs and NUL bytes in a PrintableString.
func TestDNFast(t *testing.T) {
	bmp := asn1.RawValue{Tag: 30, Bytes: []byte{0, 'B', 0, 'M', 0x04, 0x10}} // "BMА" (Cyrillic A)
	nul := asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte("a\x00b")}
	type atv struct {
		Type  asn1.ObjectIdentifier
		Value any
	}
	for i, rdns := range [][][]atv{
		{{{asn1.ObjectIdentifier{2, 5, 4, 3}, "plain"}}},
		{{{asn1.ObjectIdentifier{2, 5, 4, 10}, bmp}}},
		{{{asn1.ObjectIdentifier{2, 5, 4, 6}, "US"}, {asn1.ObjectIdentifier{1, 2, 3, 4, 5, 99999}, "x"}}, {{asn1.ObjectIdentifier{2, 5, 4, 3}, nul}}},
	} {
		var seq []asn1.RawValue
		for _, rdn := range rdns {
			var set []byte
			for _, a := range rdn {
				b, err := asn1.Marshal(a)
				if err != nil {
					t.Fatal(err)
				}
				set = append(set, b...)
			}
			seq = append(seq, asn1.RawValue{Class: 0, Tag: asn1.TagSet, IsCompound: true, Bytes: set})
		}
		der, err := asn1.Marshal(seq)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := dnFast(der)
		if want := parseDN(der); !ok || got != want {
			t.Errorf("name %d: dnFast %q (%v), parseDN %q", i, got, ok, want)
		}
	}
}
