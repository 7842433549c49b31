package kerberos

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestEvents(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	var all []string
	for _, name := range []string{"kerberos.pcap", "kerberos-error.pcap"} {
		for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, name)) {
			r := dissecttest.Run(Dissector, f)
			all = append(all, r.Rec.Events...)
		}
	}
	joined := strings.Join(all, "\n")
	t.Logf("%d events, e.g. %.400s", len(all), joined)
	for _, want := range []string{`"msg_type":"KRB_AS_REQ"`, `"msg_type":"KRB_TGS_REP"`, `"realm":"HAPPYCRAFT.ORG"`, `"msg_type":"KRB_ERROR"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("no event with %s", want)
		}
	}
	c := &dissect.Ctx{Proto: 17}
	if Dissector.Probe(c, dissect.ToServer, []byte("\x6a\x03\x30\x01\x00")) != dissect.NoMatch {
		t.Error("short AS-REQ matched")
	}
}
