package enet

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/enettest"
)

// FuzzHostDatagram sends the fuzzer's bytes as UDP datagrams to a live
// server, both from a stranger's socket and from the address of a
// connected client (so they pass ENet's address check and reach command
// parsing), and checks every few inputs that a legitimate client still
// gets its reliable packets echoed. One server is shared by all inputs of a
// fuzzing process. The seed corpus is real datagrams captured from a
// connection, plus edge cases.
//
//	go test -run '^$' -fuzz FuzzHostDatagram -fuzztime 60s .
func FuzzHostDatagram(f *testing.F) {
	r := newHostileRig(f)
	for _, b := range r.captured() {
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0xFF})
	f.Add(enettest.RandomBytes(rand.New(rand.NewPCG(1, 1)), 4097))
	header := r.hostileHeader(f)
	f.Add(enettest.AppendFragment(enettest.Header(header&enettest.MaximumPeerID, uint8(header>>enettest.HeaderSessionShift), 0),
		enettest.Fragment{StartSeq: 100, FragmentCount: enettest.MaximumFragmentCount, TotalLength: 32 << 20, Data: []byte("x")}))

	echoed := 0
	checkEcho := func(tb testing.TB) {
		tb.Helper()
		if err := r.legit.Send(1, seqPayload('E', 1, uint32(echoed), 8), FlagReliable); err != nil {
			tb.Fatalf("legitimate send: %v", err)
		}
		echoed++
		if !enettest.WaitFor(5*time.Second, func() bool { return r.echoes.counts('E') >= echoed }) {
			tb.Fatalf("legitimate client: %d of %d echoes after fuzz input", r.echoes.counts('E'), echoed)
		}
		if p := r.echoes.problems(); len(p) > 0 {
			tb.Fatalf("legitimate client: %v", p)
		}
		if err := r.serverPump.Err(); err != nil {
			tb.Fatalf("server stopped serving: %v", err)
		}
	}
	f.Cleanup(func() { checkEcho(f) })

	calls := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		r.send(data, false)
		r.send(data, true)
		calls++
		if calls%32 == 1 {
			checkEcho(t)
		}
	})
}
