package sunrpc

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// nfsFlows reads nfsv2.pcap, an old pcap 2.1 file that the harness's pcap
// reader refuses: the header's minor version is patched to 4 in a copy.
func nfsFlows(t *testing.T) []*dissecttest.Flow {
	dir := dissecttest.NDPICorpus(t)
	raw, err := os.ReadFile(filepath.Join(dir, "nfsv2.pcap"))
	if err != nil || len(raw) < 24 {
		t.Skip("nfsv2.pcap not readable")
	}
	if binary.LittleEndian.Uint32(raw) == 0xa1b2c3d4 {
		binary.LittleEndian.PutUint16(raw[6:], 4)
	} else {
		binary.BigEndian.PutUint16(raw[6:], 4)
	}
	tmp := filepath.Join(t.TempDir(), "nfsv2.pcap")
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return dissecttest.ReadFlows(t, tmp)
}

// TestNFSCorpus: nDPI labels every flow of nfsv2.pcap NFS, including the
// portmapper GETPORT calls that look up NFS and mountd; we do too (package doc).
func TestNFSCorpus(t *testing.T) {
	nfs, rpc := 0, 0
	flows := nfsFlows(t)
	for _, f := range flows {
		switch {
		case dissecttest.Run(NFS, f).Verdict == dissect.Match:
			nfs++
		case dissecttest.Run(RPC, f).Verdict == dissect.Match:
			rpc++
		default:
			for _, s := range f.Segs[:min(2, len(f.Segs))] {
				t.Logf("unmatched %v→%v %d %x", f.Client, f.Server, s.Dir, s.Data[:min(48, len(s.Data))])
			}
		}
	}
	t.Logf("flows %d: NFS %d, RPC %d", len(flows), nfs, rpc)
	if nfs < len(flows) {
		t.Errorf("NFS %d RPC %d of %d", nfs, rpc, len(flows))
	}
}
