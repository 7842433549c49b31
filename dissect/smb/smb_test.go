package smb

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// smb2 builds an NBSS-framed SMB2 message: a 64-byte header (MS-SMB2
// 2.2.1.2) with the given command and flags, then body.
func smb2(cmd uint16, flags uint32, body []byte) []byte {
	m := make([]byte, 4+64, 4+64+len(body))
	binary.BigEndian.PutUint32(m, uint32(64+len(body)))
	h := m[4:]
	copy(h, "\xfeSMB")
	binary.LittleEndian.PutUint16(h[4:], 64)
	binary.LittleEndian.PutUint16(h[12:], cmd)
	binary.LittleEndian.PutUint32(h[16:], flags)
	return append(m, body...)
}

// TestNegotiate feeds a NEGOTIATE request offering five dialects (MS-SMB2
// 2.2.3) and a response choosing 3.1.1 (2.2.4), split across calls.
func TestNegotiate(t *testing.T) {
	req := make([]byte, 36, 36+10)
	binary.LittleEndian.PutUint16(req, 36)
	binary.LittleEndian.PutUint16(req[2:], 5)
	for _, d := range []uint16{0x0202, 0x0210, 0x0300, 0x0302, 0x0311} {
		req = binary.LittleEndian.AppendUint16(req, d)
	}
	resp := make([]byte, 65)
	binary.LittleEndian.PutUint16(resp, 65)
	binary.LittleEndian.PutUint16(resp[4:], 0x0311)
	a, b := smb2(0, 0, req), smb2(0, 1, resp)

	c := &dissect.Ctx{Proto: 6}
	if Dissector.Probe(c, dissect.ToServer, a) != dissect.Match || SMB1.Probe(c, dissect.ToServer, a) != dissect.NoMatch {
		t.Fatal("probe")
	}
	rec := &dissecttest.Recorder{}
	c.Emit = rec
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, a[:30])
	p.Feed(c, dissect.ToServer, a[30:])
	if st := p.Feed(c, dissect.ToClient, b); st != dissect.Done {
		t.Fatalf("status %v", st)
	}
	want := `smb {"command":"SMB2_COMMAND_NEGOTIATE_PROTOCOL","status":"STATUS_SUCCESS","status_code":"0x0","dialect":"3.11","client_dialects":["2.02","2.10","3.00","3.02","3.11"]}`
	if len(rec.Events) != 1 || rec.Events[0] != want {
		t.Fatalf("events %q", rec.Events)
	}
	if rec.MetaKV["smb_dialect"] != "3.11" {
		t.Errorf("meta %v", rec.MetaKV)
	}
}

// TestSMB1Corpus: smb_frags.pcap opens with an SMB1 NEGOTIATE.
func TestSMB1Corpus(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	n := 0
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "smb_frags.pcap")) {
		if len(f.Segs) == 0 {
			continue
		}
		n++
		if r := dissecttest.Run(SMB1, f); r.Verdict != dissect.Match {
			t.Errorf("SMB1 flow %v not matched", f.Client)
		}
		if r := dissecttest.Run(Dissector, f); r.Verdict == dissect.Match {
			t.Errorf("SMB2 matched SMB1 flow %v", f.Client)
		}
	}
	if n == 0 {
		t.Fatal("no flows")
	}
}
