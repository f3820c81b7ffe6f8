package scene

import (
	"sync"

	"github.com/enetgo/enet/multiplayer"
)

// sent is one packet a fakeTransport was asked to send.
type sent struct {
	to      int32
	data    []byte
	mode    multiplayer.TransferMode
	channel int
}

// fakeTransport records what a Multiplayer sends, for byte-exact tests.
type fakeTransport struct {
	d     multiplayer.Dialect
	id    int32
	peers []int32
	mu    sync.Mutex
	out   []sent
}

func (f *fakeTransport) Dialect() multiplayer.Dialect { return f.d }
func (f *fakeTransport) Peers() []int32               { return f.peers }
func (f *fakeTransport) ID() int32                    { return f.id }
func (f *fakeTransport) Send(to int32, data []byte, mode multiplayer.TransferMode, ch int) error {
	f.mu.Lock()
	f.out = append(f.out, sent{to, append([]byte(nil), data...), mode, ch})
	f.mu.Unlock()
	return nil
}

// take returns and forgets what was sent.
func (f *fakeTransport) take() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.out
	f.out = nil
	return out
}
