package enet

import (
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Host is an ENet host, Godot's ENetConnection: one UDP socket serving up
// to MaxPeers connections. Create it with CreateHost or CreateHostBound,
// drive it with Service, and Destroy it when done.
//
// Host and Peer methods are safe for concurrent use by multiple goroutines.
// One lock guards every C call on the host and its peers; Service releases it
// while it waits, and a Send from another goroutine wakes the waiting
// Service so the packet goes out at once.
type Host struct {
	mu          sync.Mutex
	c           cHost      // nil once destroyed
	peers       []*Peer    // by ENet slot; nil where no Go peer is attached
	batch       []rawEvent // the C batch (C memory; valid until the next drain)
	batchI      int        // next batch event to convert
	batchPeers  []*Peer    // the Peer each batch event belongs to, once resolved; nil: drop it
	resolved    bool       // batchPeers is filled in (else next reads peers)
	compression CompressionMode
	dual        bool // a dual-stack socket (addr6.go); set at creation
	relayed     bool // dual through a relay thread (relay6.go); set at creation
	dtls        bool // DTLS set up (dtls.go)
	ref         *hostRef
	pend        []pendingSend // packets Send queued for the next C call (sends.go)
	arena       []byte        // their bytes

	svcMu     sync.Mutex    // one Service at a time
	sockFD    int           // the ENet socket, waited on in C
	wakeFD    int           // eventfd that interrupts that wait
	busyPoll  time.Duration // HostConfig.BusyPoll
	maxPacket int           // HostConfig.MaxPacketSize, resolved
	lastYield time.Time     // when Service last yielded (svcMu)
	yieldDue  bool          // Service should yield after releasing h.mu (svcMu)
	drains    uint          // batches drained (svcMu)
	wake      atomic.Bool   // a Send queued packets: serve before waiting
	waiting   atomic.Bool   // a Service is asleep in C (or about to be)
	closing   atomic.Bool   // Destroy has begun
	done      chan struct{} // closed when Destroy has finished
}

// hostRef is what the GC safety net frees if a Host is dropped undestroyed.
type hostRef struct{ c cHost }

// Limits of ENet's protocol.
const (
	// MaxPeers is the most peers a host can have (ENET_PROTOCOL_MAXIMUM_PEER_ID).
	MaxPeers = 4095
	// MaxChannels is the most channels a connection can have.
	MaxChannels = 255
	// DefaultMaxPeers is Godot's default max_peers.
	DefaultMaxPeers = 32
)

// eventBatch is how many events one C call drains at most.
const eventBatch = 256

// allocatorEnv names the environment variable that, set to "malloc", makes
// ENet allocate with plain malloc and free instead of the binding's
// small-block cache (README, Performance).
const allocatorEnv = "ENETGO_ALLOCATOR"

var initOnce = sync.OnceValue(func() error {
	if initENet(os.Getenv(allocatorEnv) != "malloc") != 0 {
		return opError("initialize", ErrFailed, "enet_initialize failed")
	}
	return nil
})

// LinkedVersion returns the version of the linked C ENet library, such as
// "1.3.17".
func LinkedVersion() string {
	v := linkedVersion()
	return fmt.Sprintf("%d.%d.%d", v>>16&0xff, v>>8&0xff, v&0xff)
}

// CreateHost creates a host whose socket is not bound: the OS picks a port
// at the first send. Use it for clients (Godot create_host). Where
// IPv6Supported, the socket is dual-stack, as Godot 4's: it connects to
// IPv4 and IPv6 servers.
func CreateHost(cfg HostConfig) (*Host, error) {
	return newClientHost(cfg)
}

// CreateHostBound creates a host bound to address and port (Godot
// create_host_bound). address is "*" or "::" for every interface, IPv4
// and IPv6 (dual-stack, as Godot 4; "*" is IPv4 only where IPv6Supported
// says no), "0.0.0.0" for every IPv4 interface, or an IPv4 or IPv6
// address; port 0 lets the OS choose (see LocalPort).
func CreateHostBound(address string, port int, cfg HostConfig) (*Host, error) {
	const op = "create host bound"
	if port < 0 || port > 65535 {
		return nil, opError(op, ErrInvalidParameter, "port %d outside 0..65535", port)
	}
	ip, dual, err := bindFamily(op, address) // addr6.go
	if err != nil {
		return nil, err
	}
	if dual {
		return newHostDual(op, true, netip.AddrPortFrom(ip, uint16(port)), cfg)
	}
	return newHost(op, true, netip.AddrPortFrom(ip, uint16(port)), cfg)
}

func newHost(op string, bind bool, addr netip.AddrPort, cfg HostConfig) (*Host, error) {
	if err := initOnce(); err != nil {
		return nil, err
	}
	if cfg.MaxPeers == 0 {
		cfg.MaxPeers = DefaultMaxPeers
	}
	switch {
	case cfg.MaxPeers < 1 || cfg.MaxPeers > MaxPeers:
		return nil, opError(op, ErrInvalidParameter, "max peers %d outside 1..%d", cfg.MaxPeers, MaxPeers)
	case cfg.MaxChannels < 0 || cfg.MaxChannels > MaxChannels:
		return nil, opError(op, ErrInvalidParameter, "max channels %d outside 0..%d", cfg.MaxChannels, MaxChannels)
	case cfg.InBandwidth < 0 || cfg.OutBandwidth < 0 || int64(cfg.InBandwidth) > 1<<32-1 || int64(cfg.OutBandwidth) > 1<<32-1:
		return nil, opError(op, ErrInvalidParameter, "bandwidths %d/%d outside 0..2^32-1", cfg.InBandwidth, cfg.OutBandwidth)
	case cfg.BusyPoll < 0 || cfg.BusyPoll > maxBusyPoll:
		return nil, opError(op, ErrInvalidParameter, "busy poll %v outside 0..%v", cfg.BusyPoll, maxBusyPoll)
	}
	guard, err := resolveGuard(op, &cfg)
	if err != nil {
		return nil, err
	}
	c, code := hostCreate(bind, addr, cfg.ReusePort, cfg.MaxPeers, cfg.MaxChannels,
		uint32(cfg.InBandwidth), uint32(cfg.OutBandwidth), eventBatch)
	switch code {
	case 0:
	case 2:
		return nil, opError(op, ErrCantCreate, "cannot bind %v (address in use or not local?)", addr)
	case 3:
		return nil, opError(op, ErrOutOfMemory, "")
	default:
		return nil, opError(op, ErrCantCreate, "enet_host_create failed")
	}
	h := &Host{c: c, peers: make([]*Peer, hostPeerCount(c)), batchPeers: make([]*Peer, eventBatch),
		sockFD: hostSocketFD(c), wakeFD: hostWakeFD(c), busyPoll: cfg.BusyPoll, done: make(chan struct{}),
		maxPacket: guard.maxPacket}
	hostConfigureGuard(c, guard)
	hostSetRefuse(c, cfg.RefuseNewConnections)
	h.ref = &hostRef{c: c}
	runtime.AddCleanup(h, func(r *hostRef) {
		if r.c != nil {
			hostDestroy(r.c)
		}
	}, h.ref)
	return h, nil
}

// Destroy destroys the host: every peer becomes inactive without telling
// the remote sides (they time out; call Peer.DisconnectNow first to tell
// them), and a Service waiting in another goroutine returns
// ErrUnconfigured (Godot destroy). Destroying twice returns
// ErrUnconfigured.
func (h *Host) Destroy() error {
	if !h.closing.CompareAndSwap(false, true) {
		<-h.done // a racing Destroy: return once the host is gone
		return opError("destroy", ErrUnconfigured, "host already destroyed")
	}
	defer close(h.done)
	// Interrupt a waiting Service and wait for it to leave: the sockets
	// it sleeps on are closed below.
	h.mu.Lock()
	hostWake(h.c)
	h.mu.Unlock()
	h.svcMu.Lock()
	defer h.svcMu.Unlock()
	h.mu.Lock()
	for _, p := range h.peers {
		if p != nil {
			p.active = false
		}
	}
	h.peers = nil
	h.batch, h.batchI = nil, 0
	h.pend, h.arena = nil, nil // dropped, as enet_host_destroy drops what ENet has queued
	hostDestroy(h.c)
	h.c = nil
	h.ref.c = nil
	h.mu.Unlock()
	return nil
}

// Close destroys the host like Destroy but returns nil if it already was,
// so a Host is an io.Closer.
func (h *Host) Close() error {
	if err := h.Destroy(); err != nil && !h.destroyed() {
		return err
	}
	return nil
}

func (h *Host) destroyed() bool { return h.closing.Load() }

func (h *Host) gone(op string) error { return opError(op, ErrUnconfigured, "host destroyed") }

// retire detaches p from its slot after a call of ours made ENet reset
// it (Reset, DisconnectNow, a disconnect before the connection completed):
// p becomes inactive, its slot is free for a new connection, and events of
// the current batch resolved to p are dropped. h.mu is held.
func (h *Host) retire(p *Peer) {
	p.active = false
	p.gone = true
	if h.c == nil || h.peers[p.slot] != p {
		return
	}
	h.resolveRest()
	h.peers[p.slot] = nil
	peerForget(h.c, p.slot)
	for i := h.batchI; i < len(h.batch); i++ {
		if h.batchPeers[i] == p {
			h.batchPeers[i] = nil
		}
	}
}

// attach registers a new Peer for slot. A Peer still registered there
// (which cannot happen while ENet reports every disconnect) is cut off.
func (h *Host) attach(slot int) *Peer {
	h.resolveRest()
	if old := h.peers[slot]; old != nil {
		old.active, old.gone = false, true
	}
	p := &Peer{h: h, slot: slot, active: true, addr: peerAddress(h.c, slot)}
	h.peers[slot] = p
	return p
}

// LocalAddr returns the address the socket is bound to (port 0 for an
// unbound host that has not sent yet), or the zero value once destroyed.
func (h *Host) LocalAddr() netip.AddrPort {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return netip.AddrPort{}
	}
	if h.relayed {
		return h.relayLocalAddr() // relay6.go
	}
	a, _ := hostLocalAddr(h.c)
	return a
}

// LocalPort returns the port the socket is bound to, the real one after a
// bind to port 0, or 0 if unbound or destroyed (Godot get_local_port).
func (h *Host) LocalPort() int { return int(h.LocalAddr().Port()) }

// Peers returns the host's peers, including those still connecting or
// disconnecting, in slot order (Godot get_peers). Nil once destroyed.
func (h *Host) Peers() []*Peer {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*Peer
	for _, p := range h.peers {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
