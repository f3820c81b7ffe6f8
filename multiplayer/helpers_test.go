package multiplayer

import (
	"slices"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/require"
)

const waitTime = 3 * time.Second

var dialects = []Dialect{Godot3, Godot4}

var modes = []TransferMode{Unreliable, UnreliableOrdered, Reliable}

func newServer(t *testing.T, d Dialect, cfg ServerConfig) *Server {
	t.Helper()
	if cfg.CloseTimeout == 0 {
		cfg.CloseTimeout = 300 * time.Millisecond // raw test clients stop servicing first
	}
	s, err := NewServer(d, "127.0.0.1", 0, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func dial(t *testing.T, d Dialect, port int, cfg ClientConfig) *Client {
	t.Helper()
	c, err := Dial(d, "127.0.0.1", port, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	ev := next(t, c.Events())
	require.Equal(t, PeerJoined{ID: 1}, ev, "first client event")
	return c
}

// next returns the next event or fails after waitTime.
func next(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "events channel closed")
		return ev
	case <-time.After(waitTime):
		require.FailNow(t, "no event within timeout")
	}
	return nil
}

// expect skips events until one equals want.
func expect(t *testing.T, ch <-chan Event, want Event) {
	t.Helper()
	deadline := time.After(waitTime)
	var seen []Event
	for {
		select {
		case ev, ok := <-ch:
			require.True(t, ok, "events channel closed; waiting for %#v, saw %#v", want, seen)
			if equalEvent(ev, want) {
				return
			}
			seen = append(seen, ev)
		case <-deadline:
			require.FailNow(t, "event not seen", "want %#v, saw %#v", want, seen)
		}
	}
}

func equalEvent(a, b Event) bool {
	pa, okA := a.(Packet)
	pb, okB := b.(Packet)
	if okA && okB {
		return pa.From == pb.From && pa.Channel == pb.Channel && pa.Mode == pb.Mode &&
			pa.ENetChannel == pb.ENetChannel && slices.Equal(pa.Data, pb.Data)
	}
	return a == b
}

// collectUntil gathers packet payloads until every one of want was seen,
// plus a short quiet period to catch anything unexpected, or the timeout.
func collectUntil(ch <-chan Event, want []string) []string {
	var got []string
	missing := map[string]bool{}
	for _, w := range want {
		missing[w] = true
	}
	deadline := time.After(waitTime)
	var quiet <-chan time.Time
	if len(missing) == 0 {
		quiet = time.After(150 * time.Millisecond)
	}
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return got
			}
			if p, isPacket := ev.(Packet); isPacket {
				got = append(got, string(p.Data))
				delete(missing, string(p.Data))
				if len(missing) == 0 && quiet == nil {
					quiet = time.After(150 * time.Millisecond)
				}
			}
		case <-quiet:
			return got
		case <-deadline:
			return got
		}
	}
}

// rawHost is a plain ENet host playing a (possibly misbehaving) Godot peer.
type rawHost struct {
	t *testing.T
	h *enet.Host
}

func newRawHost(t *testing.T, bound bool, peers, channels int) *rawHost {
	t.Helper()
	var h *enet.Host
	var err error
	cfg := enet.HostConfig{MaxPeers: peers, MaxChannels: channels}
	if bound {
		h, err = enet.CreateHostBound("127.0.0.1", 0, cfg)
	} else {
		h, err = enet.CreateHost(cfg)
	}
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	return &rawHost{t: t, h: h}
}

// event services until an event other than EventNone, or returns EventNone
// after d.
func (r *rawHost) event(d time.Duration) enet.Event {
	r.t.Helper()
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return enet.Event{}
		}
		ev, err := r.h.ServiceInto(min(left, 20*time.Millisecond), nil)
		require.NoError(r.t, err)
		if ev.Type != enet.EventNone {
			return ev
		}
	}
}

// connect connects with channels and data and waits for EventConnect.
func (r *rawHost) connect(port, channels int, data uint32) *enet.Peer {
	r.t.Helper()
	p, err := r.h.ConnectToHost("127.0.0.1", port, channels, data)
	require.NoError(r.t, err)
	ev := r.event(waitTime)
	require.Equal(r.t, enet.EventConnect, ev.Type)
	require.Equal(r.t, p, ev.Peer)
	return p
}

// receive returns the next received packet event.
func (r *rawHost) receive() enet.Event {
	r.t.Helper()
	ev := r.event(waitTime)
	require.Equal(r.t, enet.EventReceive, ev.Type, "event %v", ev.Type)
	return ev
}

func le32(v int32) []byte {
	return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}
}

func cat(parts ...[]byte) []byte {
	return slices.Concat(parts...)
}

// fullThrottle keeps the server's unreliable throttle towards each peer at
// full, and through ENet's THROTTLE_CONFIGURE command the peer's towards the
// server too. ENet drops an unreliable packet whenever the peer's throttle
// counter (advanced by 7 of 32 per packet) passes the throttle, which a round
// trip longer than the last by twice its variance lowers by the deceleration
// (2 by default): on a loaded machine a test's unreliable packets are then
// legitimately dropped now and then. With a deceleration of 0 the throttle
// cannot fall, and pings bring it back to full (an acceleration of a whole
// scale restores it with one round trip no longer than the last).
func fullThrottle(t *testing.T, s *Server, ids ...int32) {
	t.Helper()
	for _, id := range ids {
		p := s.Peer(id)
		require.NotNil(t, p, "peer %d", id)
		require.NoError(t, p.ThrottleConfigure(time.Second, enet.PacketThrottleScale, 0))
		deadline := time.Now().Add(5 * time.Second)
		for p.Statistic(enet.PeerPacketThrottle) != enet.PacketThrottleScale {
			require.True(t, time.Now().Before(deadline), "peer %d: throttle stays at %d", id, p.Statistic(enet.PeerPacketThrottle))
			require.NoError(t, p.Ping())
			time.Sleep(10 * time.Millisecond)
		}
	}
}
