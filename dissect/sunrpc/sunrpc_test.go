package sunrpc

import (
	"encoding/hex"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// An NFSv3 NULL call over TCP (record mark, xid, CALL, rpcvers 2, program
// 100003, version 3, proc 0, AUTH_NULL credentials and verifier).
const nfsNull = "80000028" + "3d9f2a0f" + "00000000" + "00000002" + "000186a3" + "00000003" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000"

func TestProbe(t *testing.T) {
	b, _ := hex.DecodeString(nfsNull)
	c := &dissect.Ctx{Proto: 6, Pkts: [2]uint32{1, 0}}
	if NFS.Probe(c, dissect.ToServer, b) != dissect.Match || RPC.Probe(c, dissect.ToServer, b) != dissect.NoMatch {
		t.Fatal("NFS call")
	}
	// Same call to the portmapper (100000) over UDP.
	u := append([]byte(nil), b[4:]...)
	u[12], u[13], u[14], u[15] = 0, 1, 0x86, 0xa0
	c.Proto = 17
	if NFS.Probe(c, dissect.ToServer, u) != dissect.NoMatch || RPC.Probe(c, dissect.ToServer, u) != dissect.Match {
		t.Fatal("portmap call")
	}
	u[11] = 3 // rpcvers 3
	if RPC.Probe(c, dissect.ToServer, u) != dissect.NoMatch {
		t.Fatal("rpcvers 3 matched")
	}
}
