package enet

import (
	"encoding/binary"
	"testing"

	"github.com/enetgo/enet/internal/attack"
	"github.com/enetgo/enet/internal/enettest"
)

// FuzzGuardInspect feeds arbitrary datagrams through the inbound checks as
// if the connected client had sent them (a small maximum packet size; the
// memory budgets off so the peer is never cut and every input reaches the
// per-peer checks: TestGuardAttacks covers the cuts). The checks must not
// crash, and a dropped datagram is counted under exactly one reason. The
// checks are C, which Go's fuzzer does not instrument: the inputs are
// mutations of the seeds, not coverage-guided; withHeader puts the
// client's valid header in front of the fuzzed bytes, so that most inputs
// reach the command checks.
func FuzzGuardInspect(f *testing.F) {
	srv := newServer(f, HostConfig{MaxPeers: 4, MaxChannels: 4, MaxPacketSize: 64 << 10,
		PeerMemoryLimit: -1, HostMemoryLimit: -1}) // no cut: the peer stays for every input
	cli := newClient(f, HostConfig{})
	sp, _ := connect(f, srv, cli, 4, 0)
	srv.mu.Lock()
	session := peerSession(srv.c, sp.slot)
	srv.mu.Unlock()
	hdr := enettest.Header(uint16(sp.slot), session, 1)
	seed := func(cmds []byte) { f.Add(true, cmds) }
	seed(enettest.AppendSendReliable(nil, 1, 2, []byte("hi")))
	seed(enettest.AppendFragment(nil, enettest.Fragment{ReliableSeq: 1, StartSeq: 1, FragmentCount: 3,
		FragmentNum: 1, TotalLength: 3000, Offset: 1000, Data: make([]byte, 1000)}))
	seed(enettest.AppendFragment(nil, enettest.Fragment{ReliableSeq: 1, StartSeq: 1,
		FragmentCount: enettest.MaximumFragmentCount, FragmentNum: 1, TotalLength: 1, Data: []byte{1}}))
	un := enettest.AppendCommandHeader(nil, enettest.CmdSendUnsequenced, 0, 0)
	un = binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(un, 1), 3)
	seed(append(un, "abc"...))
	seed(enettest.AppendCommandHeader(nil, enettest.CmdPing|enettest.FlagAcknowledge, 0xFF, 1))
	seed([]byte{enettest.CmdSendReliable, 0, 0})
	f.Add(false, attack.ConnectRequest(7, 2))
	f.Add(false, []byte{0xC0, 0x00, 0, 1, 2, 3})
	f.Add(false, append(append([]byte(nil), hdr...), 6, 0, 0, 2, 0, 1, 'x'))

	from := sp.addr
	f.Fuzz(func(t *testing.T, withHeader bool, data []byte) {
		if withHeader { // the commands of a datagram from the client
			data = append(append([]byte(nil), hdr...), data...)
		}
		srv.mu.Lock()
		defer srv.mu.Unlock()
		var before uint64
		for _, s := range DropReasons {
			before += hostStat(srv.c, s, false)
		}
		dropped := guardInspect(srv.c, data, from)
		var after uint64
		for _, s := range DropReasons {
			after += hostStat(srv.c, s, false)
		}
		if dropped && after != before+1 || !dropped && after != before {
			t.Fatalf("dropped %v but the drop counters went from %d to %d", dropped, before, after)
		}
	})
}
