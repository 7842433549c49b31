// Package sunrpc identifies ONC RPC (RFC 5531) calls over UDP and over TCP
// with record marking: xid, message type 0 (CALL), RPC version 2, program,
// version, procedure, then credentials with a known flavor. NFS exports the
// calls to the NFS program (100003) and to its helpers mountd (100005),
// NLM (100021) and NSM status (100024); RPC everything else.
package sunrpc

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// NFS is ONC RPC for NFS and its helper programs, and portmapper look-ups
// of them (nDPI "NFS", Suricata "nfs").
var NFS = &dissect.Dissector{
	Name:      "nfs",
	EVE:       "nfs",
	Transport: dissect.Both,
	Ports:     []uint16{2049},
	Probe:     func(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict { return probe(c, dir, data, true) },
	New:       func() dissect.Parser { return &parser{} },
}

// RPC is ONC RPC to any other program (portmapper 100000, NIS, …).
var RPC = &dissect.Dissector{
	Name:      "sunrpc",
	Transport: dissect.Both,
	Ports:     []uint16{111},
	Probe:     func(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict { return probe(c, dir, data, false) },
	New:       func() dissect.Parser { return &parser{} },
}

func isNFS(prog uint32) bool {
	return prog == 100003 || prog == 100005 || prog == 100021 || prog == 100024 || prog == 100227
}

// call checks an RPC CALL at b and returns its program (ok false when b is
// not one). It needs 40 bytes: the fixed call header and credential head.
func call(b []byte) (prog, vers, proc uint32, ok bool) {
	if len(b) < 40 {
		return 0, 0, 0, false
	}
	be := binary.BigEndian
	if be.Uint32(b[4:]) != 0 || be.Uint32(b[8:]) != 2 {
		return 0, 0, 0, false
	}
	prog, vers, proc = be.Uint32(b[12:]), be.Uint32(b[16:]), be.Uint32(b[20:])
	if prog < 100000 || prog > 0x7fffffff || vers == 0 || vers > 10 || proc > 1024 {
		return 0, 0, 0, false
	}
	flavor, clen := be.Uint32(b[24:]), be.Uint32(b[28:])
	if flavor > 6 && flavor != 300001 || clen > 400 || len(b) < 40 {
		return 0, 0, 0, false
	}
	return prog, vers, proc, true
}

// reply reports whether b looks like an accepted/denied RPC REPLY.
func reply(b []byte) bool {
	if len(b) < 24 {
		return false
	}
	be := binary.BigEndian
	return be.Uint32(b[4:]) == 1 && be.Uint32(b[8:]) <= 1
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte, nfs bool) dissect.Verdict {
	b := data
	if c.Proto == 6 {
		if len(b) < 4 {
			return dissect.NeedMore
		}
		mark := binary.BigEndian.Uint32(b)
		n := mark & 0x7fffffff
		if n < 24 || n > 1<<20 {
			return dissect.NoMatch
		}
		b = b[4:]
	}
	if len(b) < 40 {
		if c.Proto == 6 && len(b) < 24 && c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		// A lone reply (the call was not seen): decide on the port.
		if reply(b) && nfs && (c.Server.Port() == 2049 || c.Client.Port() == 2049) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	prog, _, _, ok := call(b)
	if !ok {
		if reply(b) && nfs && (c.Server.Port() == 2049 || c.Client.Port() == 2049) {
			return dissect.Match
		}
		if reply(b) && c.Pkts[dissect.ToServer] == 0 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if isNFS(prog) || lookup(b) {
		if nfs {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if nfs {
		return dissect.NoMatch
	}
	return dissect.Match
}

// lookup reports whether the call at b is a portmapper GETPORT (v2 proc 3)
// or rpcbind GETADDR (v3/v4 proc 3) asking for an NFS-related program:
// such flows are part of mounting NFS (nDPI names them NFS as well).
func lookup(b []byte) bool {
	be := binary.BigEndian
	if be.Uint32(b[12:]) != 100000 || be.Uint32(b[20:]) != 3 {
		return false
	}
	off := 32 + int(be.Uint32(b[28:])+3)&^3 // credentials body, 4-aligned
	if off+8 > len(b) {
		return false
	}
	off += 8 + int(be.Uint32(b[off+4:])+3)&^3 // verifier
	if off < 0 || off+4 > len(b) {
		return false
	}
	return isNFS(be.Uint32(b[off:]))
}

// parser reports the RPC program and version of the first call.
type parser struct{ buf [8]byte }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer {
		return dissect.Continue
	}
	b := data
	if c.Proto == 6 && len(b) >= 4 {
		b = b[4:]
	}
	prog, vers, _, ok := call(b)
	if !ok {
		return dissect.Continue
	}
	binary.BigEndian.PutUint32(p.buf[:], prog)
	binary.BigEndian.PutUint32(p.buf[4:], vers)
	c.Emit.Meta("rpc_program_version", p.buf[:])
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
