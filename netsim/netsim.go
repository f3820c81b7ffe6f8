package netsim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Default values used when the corresponding [Config] or [Link] field is zero.
const (
	DefaultIdleTimeout     = 30 * time.Second
	DefaultMaxClients      = 256
	DefaultMaxQueued       = 4096
	DefaultMaxQueuedBytes  = 8 << 20
	DefaultMaxDatagramSize = 65535
	DefaultReorderHold     = 10 * time.Millisecond
	// DefaultMinQueueBytes is the lower bound of the default bandwidth queue
	// size; see [Link.QueueBytes].
	DefaultMinQueueBytes = 16 << 10
)

// Direction selects one or both directions of traffic through a [Proxy].
type Direction int

const (
	// Up is the client-to-target direction.
	Up Direction = 1 << iota
	// Down is the target-to-client direction.
	Down
	// Both selects Up and Down.
	Both = Up | Down
)

// String returns "up", "down" or "both".
func (d Direction) String() string {
	switch d {
	case Up:
		return "up"
	case Down:
		return "down"
	case Both:
		return "both"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Link describes the impairments applied to one direction of traffic.
// The zero Link forwards everything immediately and unchanged.
//
// Impairments are applied in this order when a datagram enters the proxy:
// blackhole, loss, the queue caps, the bandwidth queue, then delay and
// jitter. Duplicates are separate copies that go through the queue caps,
// bandwidth queue, delay and jitter on their own.
type Link struct {
	// Loss is the probability (0..1) that a datagram is dropped.
	Loss float64
	// Duplicate is the probability (0..1) that a datagram is delivered twice.
	Duplicate float64
	// Reorder is the probability (0..1) that a datagram is held back and
	// delivered right after the next datagram of the same direction. If no
	// further datagram arrives within ReorderHold, the held datagram is
	// delivered on its own (and is not counted as reordered). At most one
	// datagram is held at a time and the datagram that overtakes it is
	// never held itself, so the observed rate is about Reorder*(1-Reorder).
	Reorder float64
	// ReorderHold bounds how long a datagram held back for reordering waits
	// for a successor, measured from its normal due time. Zero means
	// DefaultReorderHold.
	ReorderHold time.Duration
	// Delay is the fixed one-way delay added to every datagram.
	Delay time.Duration
	// Jitter adds a uniformly distributed random offset in [-Jitter, +Jitter]
	// to Delay (the result is never below zero). Jitter alone can reorder
	// datagrams.
	Jitter time.Duration
	// Bandwidth caps the throughput in payload bytes per second; zero means
	// unlimited. Datagrams are serialized through a FIFO bottleneck before
	// the delay is applied.
	Bandwidth int64
	// QueueBytes is the capacity in bytes of the bandwidth queue: a datagram
	// that arrives while more than QueueBytes minus its size are waiting for
	// the bottleneck is dropped, like in a router (an empty queue always
	// accepts one datagram). Zero means max(Bandwidth/10, DefaultMinQueueBytes),
	// i.e. about 100 ms worth of traffic. Ignored when Bandwidth is zero.
	QueueBytes int
	// Blackhole drops every datagram entering this direction while true.
	// Datagrams already queued are still delivered.
	Blackhole bool
}

func (l Link) validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"Loss", l.Loss}, {"Duplicate", l.Duplicate}, {"Reorder", l.Reorder}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			return fmt.Errorf("netsim: Link.%s = %v, want a probability in [0, 1]", p.name, p.v)
		}
	}
	if l.Delay < 0 || l.Jitter < 0 || l.ReorderHold < 0 {
		return errors.New("netsim: Link durations must not be negative")
	}
	if l.Bandwidth < 0 || l.QueueBytes < 0 {
		return errors.New("netsim: Link.Bandwidth and Link.QueueBytes must not be negative")
	}
	return nil
}

// Config configures a [Proxy]. The zero Config is valid: it listens on
// 127.0.0.1 on a random port and forwards without impairments.
type Config struct {
	// ListenAddr is the address the proxy listens on for clients. The zero
	// value means 127.0.0.1:0.
	ListenAddr netip.AddrPort
	// Up is applied to datagrams from clients to the target.
	Up Link
	// Down is applied to datagrams from the target to clients.
	Down Link
	// Seed seeds the per-direction pseudo-random generators. See the package
	// documentation for what is and is not deterministic.
	Seed int64
	// MaxLifetime, if positive, closes the proxy automatically after this
	// duration.
	MaxLifetime time.Duration
	// IdleTimeout is how long a client may stay silent in both directions
	// before its upstream socket is closed and reclaimed. Zero means
	// DefaultIdleTimeout; a negative value disables the idle timeout.
	IdleTimeout time.Duration
	// MaxClients caps the number of simultaneous clients (upstream sockets).
	// Datagrams from further clients are dropped and counted in
	// Stats.RejectedDatagrams. Zero means DefaultMaxClients.
	MaxClients int
	// MaxQueued caps the number of datagrams queued (delayed, rate limited
	// or held for reordering) per direction. Zero means DefaultMaxQueued.
	MaxQueued int
	// MaxQueuedBytes caps the payload bytes queued per direction. Zero means
	// DefaultMaxQueuedBytes.
	MaxQueuedBytes int
	// MaxDatagramSize is the largest datagram forwarded; larger ones are
	// dropped and counted as DroppedError. Zero means DefaultMaxDatagramSize.
	MaxDatagramSize int
}

// Symmetric returns a Config that applies l to both directions.
func Symmetric(l Link) Config {
	return Config{Up: l, Down: l}
}

// DirStats holds the counters of one direction. All counts are datagrams
// except the Bytes fields.
type DirStats struct {
	// Received counts datagrams that entered this direction.
	Received uint64
	// Forwarded counts datagrams written out (duplicates included).
	Forwarded uint64
	// DroppedLoss counts datagrams dropped by random loss.
	DroppedLoss uint64
	// DroppedBlackhole counts datagrams dropped by the blackhole switch.
	DroppedBlackhole uint64
	// DroppedQueue counts datagrams (or duplicates) dropped because the
	// bandwidth queue or the MaxQueued/MaxQueuedBytes caps were full.
	DroppedQueue uint64
	// DroppedError counts datagrams that could not be written (for example
	// because the client was reclaimed meanwhile) or were oversized.
	DroppedError uint64
	// Duplicated counts extra copies created by duplication.
	Duplicated uint64
	// Reordered counts datagrams delivered after a later datagram because
	// of Link.Reorder (reordering caused by jitter is not counted).
	Reordered uint64
	// BytesReceived is the payload size sum of Received datagrams.
	BytesReceived uint64
	// BytesForwarded is the payload size sum of Forwarded datagrams.
	BytesForwarded uint64
	// Queued is the number of datagrams queued right now.
	Queued int
}

// Stats is a snapshot of a Proxy's counters.
type Stats struct {
	// Up holds the client-to-target counters.
	Up DirStats
	// Down holds the target-to-client counters.
	Down DirStats
	// Clients is the number of clients with an open upstream socket.
	Clients int
	// ClientsOpened counts upstream sockets opened since the start.
	ClientsOpened uint64
	// RejectedDatagrams counts datagrams from new clients dropped because
	// MaxClients was reached (or the upstream socket could not be opened).
	RejectedDatagrams uint64
}

type dirCounters struct {
	received, forwarded, dropLoss, dropBlackhole, dropQueue, dropError,
	duplicated, reordered, bytesIn, bytesOut atomic.Uint64
}

// Proxy is a UDP proxy that impairs the traffic it relays. Create it with
// [New]; all methods are safe for concurrent use.
type Proxy struct {
	cfg    Config
	target netip.AddrPort
	lconn  *net.UDPConn
	addr   netip.AddrPort
	up     *direction
	down   *direction

	mu       sync.Mutex
	sessions map[netip.AddrPort]*session
	closed   bool

	lifeTimer *time.Timer // guarded by mu

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	opened   atomic.Uint64
	rejected atomic.Uint64
}

type session struct {
	client netip.AddrPort
	conn   *net.UDPConn
	last   atomic.Int64 // UnixNano of the last activity
}

// New starts a proxy relaying to target. It listens on cfg.ListenAddr
// (127.0.0.1:0 by default); clients send to [Proxy.Addr].
func New(target netip.AddrPort, cfg Config) (*Proxy, error) {
	if !target.IsValid() || target.Port() == 0 {
		return nil, fmt.Errorf("netsim: invalid target address %v", target)
	}
	target = netip.AddrPortFrom(target.Addr().Unmap(), target.Port())
	if err := cfg.Up.validate(); err != nil {
		return nil, err
	}
	if err := cfg.Down.validate(); err != nil {
		return nil, err
	}
	if cfg.MaxClients < 0 || cfg.MaxQueued < 0 || cfg.MaxQueuedBytes < 0 || cfg.MaxDatagramSize < 0 || cfg.MaxLifetime < 0 {
		return nil, errors.New("netsim: negative limit in Config")
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxClients == 0 {
		cfg.MaxClients = DefaultMaxClients
	}
	if cfg.MaxQueued == 0 {
		cfg.MaxQueued = DefaultMaxQueued
	}
	if cfg.MaxQueuedBytes == 0 {
		cfg.MaxQueuedBytes = DefaultMaxQueuedBytes
	}
	if cfg.MaxDatagramSize == 0 || cfg.MaxDatagramSize > DefaultMaxDatagramSize {
		cfg.MaxDatagramSize = DefaultMaxDatagramSize
	}
	laddr := cfg.ListenAddr
	if !laddr.IsValid() {
		laddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 0)
	}
	lconn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(laddr))
	if err != nil {
		return nil, fmt.Errorf("netsim: listen: %w", err)
	}
	_ = lconn.SetReadBuffer(1 << 20)
	_ = lconn.SetWriteBuffer(1 << 20)
	la := lconn.LocalAddr().(*net.UDPAddr).AddrPort()
	p := &Proxy{
		cfg:      cfg,
		target:   target,
		lconn:    lconn,
		addr:     netip.AddrPortFrom(la.Addr().Unmap(), la.Port()),
		sessions: make(map[netip.AddrPort]*session),
		done:     make(chan struct{}),
	}
	seed := uint64(cfg.Seed)
	p.up = newDirection(p, true, cfg.Up, rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	p.down = newDirection(p, false, cfg.Down, rand.NewPCG(seed, 0xd1b54a32d192ed03))

	p.wg.Add(3)
	go p.up.run()
	go p.down.run()
	go p.readLoop()
	if cfg.IdleTimeout > 0 {
		p.wg.Add(1)
		go p.reapLoop()
	}
	if cfg.MaxLifetime > 0 {
		p.mu.Lock()
		p.lifeTimer = time.AfterFunc(cfg.MaxLifetime, func() { _ = p.Close() })
		p.mu.Unlock()
	}
	return p, nil
}

// Addr returns the address clients should send to.
func (p *Proxy) Addr() netip.AddrPort { return p.addr }

// Target returns the address datagrams are relayed to.
func (p *Proxy) Target() netip.AddrPort { return p.target }

// Done returns a channel that is closed when the proxy starts closing,
// either through [Proxy.Close] or because [Config.MaxLifetime] expired.
func (p *Proxy) Done() <-chan struct{} { return p.done }

// Close stops the proxy: it closes the listening socket and all upstream
// sockets, discards queued datagrams and waits for all its goroutines to
// exit. It is safe to call Close more than once; later calls wait for the
// first one to finish and return nil.
func (p *Proxy) Close() error {
	var err error
	p.closeOnce.Do(func() {
		p.mu.Lock()
		if p.lifeTimer != nil {
			p.lifeTimer.Stop()
		}
		p.closed = true
		close(p.done)
		err = p.lconn.Close()
		for k, s := range p.sessions {
			_ = s.conn.Close()
			delete(p.sessions, k)
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return err
}

// SetLink replaces the impairments of the given direction(s) at run time.
// Datagrams already queued keep their schedule.
func (p *Proxy) SetLink(d Direction, l Link) error {
	if err := l.validate(); err != nil {
		return err
	}
	for _, dir := range p.dirs(d) {
		dir.mu.Lock()
		dir.link = l
		dir.mu.Unlock()
	}
	return nil
}

// Link returns the current impairments of direction d (Up if d is Both).
func (p *Proxy) Link(d Direction) Link {
	dirs := p.dirs(d)
	if len(dirs) == 0 {
		return Link{}
	}
	dirs[0].mu.Lock()
	defer dirs[0].mu.Unlock()
	return dirs[0].link
}

// SetBlackhole turns the blackhole on or off in both directions.
func (p *Proxy) SetBlackhole(on bool) { p.SetBlackholeDir(Both, on) }

// SetBlackholeDir turns the blackhole on or off in the given direction(s),
// leaving the other Link settings untouched.
func (p *Proxy) SetBlackholeDir(d Direction, on bool) {
	for _, dir := range p.dirs(d) {
		dir.mu.Lock()
		dir.link.Blackhole = on
		dir.mu.Unlock()
	}
}

func (p *Proxy) dirs(d Direction) []*direction {
	var r []*direction
	if d&Up != 0 {
		r = append(r, p.up)
	}
	if d&Down != 0 {
		r = append(r, p.down)
	}
	return r
}

// Stats returns a snapshot of the proxy's counters. Counters of the two
// directions are read independently, not atomically as a whole.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	n := len(p.sessions)
	p.mu.Unlock()
	return Stats{
		Up:                p.up.stats(),
		Down:              p.down.stats(),
		Clients:           n,
		ClientsOpened:     p.opened.Load(),
		RejectedDatagrams: p.rejected.Load(),
	}
}

func (p *Proxy) isDone() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// readLoop reads datagrams from clients.
func (p *Proxy) readLoop() {
	defer p.wg.Done()
	buf := make([]byte, p.cfg.MaxDatagramSize+1)
	for {
		n, from, err := p.lconn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || p.isDone() {
				return
			}
			continue
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		s := p.session(from)
		if s == nil {
			p.rejected.Add(1)
			continue
		}
		s.last.Store(time.Now().UnixNano())
		p.up.submit(s, buf[:n])
	}
}

// session returns the session of client, creating it if needed. It returns
// nil if the proxy is closed, full, or the upstream socket cannot be opened.
func (p *Proxy) session(client netip.AddrPort) *session {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sessions[client]; s != nil {
		return s
	}
	if p.closed || len(p.sessions) >= p.cfg.MaxClients {
		return nil
	}
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(p.target))
	if err != nil {
		return nil
	}
	_ = conn.SetReadBuffer(1 << 20)
	_ = conn.SetWriteBuffer(1 << 20)
	s := &session{client: client, conn: conn}
	s.last.Store(time.Now().UnixNano())
	p.sessions[client] = s
	p.opened.Add(1)
	p.wg.Add(1)
	go p.upstreamLoop(s)
	return s
}

// upstreamLoop reads replies from the target for one client.
func (p *Proxy) upstreamLoop(s *session) {
	defer p.wg.Done()
	buf := make([]byte, p.cfg.MaxDatagramSize+1)
	for {
		n, err := s.conn.Read(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || p.isDone() {
				return
			}
			// E.g. ECONNREFUSED caused by an earlier write while the
			// target was not listening: keep going.
			continue
		}
		s.last.Store(time.Now().UnixNano())
		p.down.submit(s, buf[:n])
	}
}

// reapLoop closes idle sessions.
func (p *Proxy) reapLoop() {
	defer p.wg.Done()
	idle := p.cfg.IdleTimeout
	every := min(max(idle/4, 5*time.Millisecond), time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case now := <-t.C:
			limit := now.Add(-idle).UnixNano()
			p.mu.Lock()
			for k, s := range p.sessions {
				if s.last.Load() < limit {
					_ = s.conn.Close()
					delete(p.sessions, k)
				}
			}
			p.mu.Unlock()
		}
	}
}
