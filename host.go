package enet

import (
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
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
	waiting   atomic.Int32  // notWaiting, waitingInC or waitingInGo
	closing   atomic.Bool   // Destroy has begun
	done      chan struct{} // closed when Destroy has finished
}

// hostRef is what the GC safety net frees if a Host is dropped undestroyed.
type hostRef struct {
	c    cHost
	poll atomic.Pointer[pollFile] // open while the host waits in the netpoller
	live atomic.Bool              // counted in liveHosts
}

// pollFile is a dup of the ENet socket for waiting in Go's netpoller.
type pollFile struct {
	f  *os.File
	rc syscall.RawConn
}

// openPollFile dups socket fd into an *os.File, registering it with Go's
// netpoller.
func openPollFile(fd int) (*pollFile, error) {
	dup, err := dupCloexec(fd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(dup), "enet-socket")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &pollFile{f: f, rc: rc}, nil
}

// uncount takes the host out of liveHosts, once.
func (r *hostRef) uncount() {
	if r.live.Swap(false) {
		liveHosts.Add(-1)
	}
}

// closePoll closes the host's netpoller file, if open.
func (r *hostRef) closePoll() {
	if r.poll.Load() == nil {
		return // the common case on every sleep in C: no locked swap
	}
	if pf := r.poll.Swap(nil); pf != nil {
		pf.f.Close()
	}
}

// HostConfig sets a host's limits. The zero value gives Godot's defaults.
type HostConfig struct {
	// MaxPeers is the number of peer slots, 1..4095; 0 means 32.
	MaxPeers int
	// MaxChannels is the most channels a connection may use, 0..255;
	// 0 means 255.
	MaxChannels int
	// InBandwidth and OutBandwidth are in bytes per second; 0 means
	// unlimited.
	InBandwidth, OutBandwidth int
	// ReusePort sets SO_REUSEPORT before binding, so several hosts can share
	// one port (see ShardedHost).
	ReusePort bool
	// BusyPoll, when positive, makes a waiting Service poll the socket
	// without sleeping for up to this long before it sleeps (0..10 ms;
	// 0, the default, sleeps at once as C ENet does). A datagram that
	// arrives within it is served without a sleep and a wake-up, which
	// on a busy host cuts latency and raises throughput (BENCHMARKS.md)
	// at the price of up to BusyPoll of CPU per wait. An idle host waits
	// rarely (every few hundred milliseconds for keep-alive pings), so
	// its cost there is negligible.
	BusyPoll time.Duration

	// Limits against hostile peers (docs/hostile.md). The defaults are
	// meant for a server on the public internet; raise them for trusted
	// networks.

	// MaxPacketSize is the largest packet the host sends or receives, in
	// bytes, 1..1 GiB (ENet's maximumPacketSize); 0 means
	// DefaultMaxPacketSize (32 MiB, ENet's default).
	MaxPacketSize int
	// MaxWaitingData is the most packet bytes a peer may have received
	// but not yet delivered, counting packets still being assembled,
	// past which ENet drops what it receives (ENet's maximumWaitingData);
	// 0 means DefaultMaxWaitingData (32 MiB, ENet's default).
	MaxWaitingData int
	// PeersPerAddress is the most peers, connected or connecting, one IP
	// address may have (ENet's duplicatePeers), 1..4095; 0 means 4095,
	// ENet's default.
	PeersPerAddress int
	// AddressShare is the most peers one IP address may have once the
	// host is at least half full, so that a few addresses cannot take
	// every slot while others wait (HostDroppedAddressShare). 0 means
	// MaxPeers/16, which is no limit below 16 slots; -1 no limit. Many
	// clients behind one address (a LAN party behind a NAT, tests on
	// loopback) need -1 or a larger share.
	AddressShare int
	// PendingPerAddress is the most incoming connections one IP address
	// may have in their handshake at once (a half-open flood holds slots
	// this way); 0 means DefaultPendingPerAddress (4), -1 no limit.
	PendingPerAddress int
	// PendingLimit is the most incoming connections in their handshake at
	// once, from all addresses: past it a request replaces the oldest
	// handshake of an address that has two or more under way beyond its
	// own (HostPendingEvicted), or is dropped if none has: addresses end
	// up with shares that differ by one at most, and a newcomer gets in
	// unless more addresses than PendingLimit hold one handshake each.
	// 0 means half of MaxPeers (at least 4), -1 no limit.
	PendingLimit int
	// PeerMemoryLimit is the most bytes a peer may hold in the host in
	// received commands not yet delivered: packets received out of order
	// and packets being assembled from fragments, with ENet's
	// bookkeeping of each. A peer found over it is disconnected (an
	// EventDisconnect with data 0; HostPeersCut). The check is amortized:
	// a peer can pass the limit by up to an eighth before it is found.
	// 0 means MaxPacketSize + 1 MiB, -1 no limit.
	PeerMemoryLimit int
	// PeerCommandLimit is the most incoming commands a peer may have
	// waiting in the host's channels: reliable packets received out of
	// order, unreliable ones waiting for their reliable predecessor,
	// packets in assembly (one each, whatever their fragments). Each costs
	// ENet about 250 bytes of bookkeeping whatever its size, so a flood of
	// 1-byte packets would otherwise hold PeerMemoryLimit/250 of them. A
	// peer over it is disconnected as over PeerMemoryLimit
	// (HostDroppedPeerCommands). An honest ENet sender keeps at most its
	// window (64 KiB at most) of reliable data in flight, so a burst of
	// 1-byte reliable packets over a lossy link can leave up to 65536
	// commands waiting here: the default allows that (8192 cut an honest
	// peer sending 10 000 small packets over a 20 %-loss link). 0 means
	// DefaultPeerCommandLimit (65536), -1 no limit.
	PeerCommandLimit int
	// HostMemoryLimit bounds the same bytes for all peers together: when
	// a datagram would take the host past it, the peer holding the most
	// is disconnected and, if that was the sender, the datagram dropped.
	// 0 means PeerMemoryLimit + 7 MiB, -1 no limit.
	HostMemoryLimit int
	// CutBan is how long the IP address of a peer disconnected for its
	// memory (PeerMemoryLimit, PeerCommandLimit, HostMemoryLimit) may not
	// connect again,
	// so an attacker cannot fill its budget again at once; up to an hour,
	// 0 means DefaultCutBan (10 s), -1 no ban. A peer that falls silent
	// for 2 s while holding over 64 KiB of buffered commands is
	// disconnected too, without a ban (a live ENet peer pings every
	// 500 ms).
	CutBan time.Duration
	// RefuseNewConnections starts the host refusing new incoming
	// connections, as Host.RefuseNewConnections(true) does.
	RefuseNewConnections bool
	// Unguarded turns off the inbound checks (malformed and inconsistent
	// commands, memory budgets, connection pressure), leaving ENet's own
	// limits only: the C library's behaviour, for comparison.
	Unguarded bool
}

// maxBusyPoll bounds HostConfig.BusyPoll.
const maxBusyPoll = 10 * time.Millisecond

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
	h.ref.live.Store(true)
	liveHosts.Add(1)
	runtime.AddCleanup(h, func(r *hostRef) {
		if r.c != nil {
			hostDestroy(r.c)
			r.closePoll()
			r.uncount()
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
	if pf := h.ref.poll.Load(); pf != nil {
		pf.f.SetReadDeadline(time.Unix(1, 0))
	}
	h.svcMu.Lock()
	defer h.svcMu.Unlock()
	h.ref.uncount()
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
	h.ref.closePoll()
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

// ConnectToHost starts a connection to address:port and returns its peer,
// which is connected once Service returns its EventConnect (Godot
// connect_to_host). address is an IP address or a host name, resolved as
// Godot 4 resolves it (the C library's resolver, first address; IPv4 only
// on a host that is not DualStack). channels is 1..255, 0 meaning 255; data is sent to
// the remote side with the request.
func (h *Host) ConnectToHost(address string, port, channels int, data uint32) (*Peer, error) {
	const op = "connect to host"
	if port < 1 || port > 65535 {
		return nil, opError(op, ErrInvalidParameter, "port %d outside 1..65535", port)
	}
	if channels < 0 || channels > MaxChannels {
		return nil, opError(op, ErrInvalidParameter, "channels %d outside 0..%d", channels, MaxChannels)
	}
	if channels == 0 {
		channels = MaxChannels
	}
	ip, err := h.remoteAddr(op, address)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	if h.c == nil {
		h.mu.Unlock()
		return nil, h.gone(op)
	}
	slot, err := h.connect(op, ip, uint16(port), channels, data) // addr6.go
	if err != nil {
		h.mu.Unlock()
		return nil, err
	}
	if slot < 0 {
		n := len(h.peers) // read under the lock: Destroy clears h.peers
		h.mu.Unlock()
		return nil, opError(op, ErrFailed, "no free peer slot (all %d in use)", n)
	}
	p := h.attach(slot)
	h.mu.Unlock()
	h.wakeService()
	return p, nil
}

// Flush sends every queued packet now instead of at the next service
// (Godot flush).
func (h *Host) Flush() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone("flush")
	}
	hostFlush(h.c, h.pend, h.arena) // the pending packets first, in the same call
	h.dropSends()
	return nil
}

// BandwidthLimit sets the host's incoming and outgoing bandwidth in bytes
// per second, 0 meaning unlimited (Godot bandwidth_limit). ENet throttles
// peers to fit.
func (h *Host) BandwidthLimit(in, out int) error {
	const op = "bandwidth limit"
	if in < 0 || out < 0 || int64(in) > 1<<32-1 || int64(out) > 1<<32-1 {
		return opError(op, ErrInvalidParameter, "bandwidths %d/%d outside 0..2^32-1", in, out)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone(op)
	}
	h.flushSends()
	hostBandwidthLimit(h.c, uint32(in), uint32(out))
	return nil
}

// ChannelLimit limits the channels of future incoming connections, 1..255,
// 0 meaning 255 (Godot channel_limit).
func (h *Host) ChannelLimit(limit int) error {
	const op = "channel limit"
	if limit < 0 || limit > MaxChannels {
		return opError(op, ErrInvalidParameter, "limit %d outside 0..%d", limit, MaxChannels)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone(op)
	}
	hostChannelLimit(h.c, limit)
	return nil
}

// MaxChannels returns the host's channel limit, or 0 once destroyed
// (Godot get_max_channels).
func (h *Host) MaxChannels() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return 0
	}
	return hostMaxChannels(h.c)
}

// Broadcast queues data on channel to every connected peer (Godot
// broadcast). The channel must be below the host's channel limit; peers
// with fewer channels do not get the packet.
func (h *Host) Broadcast(channel int, data []byte, flags PacketFlags) error {
	const op = "broadcast"
	if flags&^allowedFlags != 0 {
		return opError(op, ErrInvalidParameter, "flags %#x outside FLAG_RELIABLE|FLAG_UNSEQUENCED|FLAG_UNRELIABLE_FRAGMENT", uint32(flags))
	}
	if len(data) > h.maxPacket {
		return opError(op, ErrFailed, "packet of %d bytes exceeds the host's maximum %d", len(data), h.maxPacket)
	}
	h.mu.Lock()
	if h.c == nil {
		h.mu.Unlock()
		return h.gone(op)
	}
	if limit := hostMaxChannels(h.c); channel < 0 || channel >= limit {
		h.mu.Unlock()
		return opError(op, ErrInvalidParameter, "channel %d outside 0..%d", channel, limit-1)
	}
	h.flushSends() // queued before the broadcast: they go first
	ok := hostBroadcast(h.c, channel, data, flags)
	h.mu.Unlock()
	if !ok {
		return opError(op, ErrFailed, "cannot create packet")
	}
	h.wakeService()
	return nil
}

// Compress sets the host's compression mode with the default levels (Godot
// compress). Both ends must use the same mode.
func (h *Host) Compress(mode CompressionMode) error {
	level := 0
	switch mode {
	case CompressZlib:
		level = DefaultZlibLevel
	case CompressZstd:
		level = DefaultZstdLevel
	}
	return h.CompressLevel(mode, level)
}

// CompressLevel sets the compression mode with a level: -1..9 for
// CompressZlib, 1..22 for CompressZstd, ignored for the other modes (Godot's
// compression/formats/*/compression_level project settings).
func (h *Host) CompressLevel(mode CompressionMode, level int) error {
	const op = "compress"
	switch {
	case mode < CompressNone || mode > CompressZstd:
		return opError(op, ErrInvalidParameter, "unknown mode %d", int(mode))
	case mode == CompressZlib && (level < -1 || level > 9):
		return opError(op, ErrInvalidParameter, "zlib level %d outside -1..9", level)
	case mode == CompressZstd && (level < 1 || level > 22):
		return opError(op, ErrInvalidParameter, "zstd level %d outside 1..22", level)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone(op)
	}
	if !hostCompress(h.c, mode, level) {
		h.compression = CompressNone
		return opError(op, ErrFailed, "cannot set up %v", mode)
	}
	h.compression = mode
	return nil
}

// Compression returns the host's compression mode.
func (h *Host) Compression() CompressionMode {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.compression
}

// RefuseNewConnections makes the host refuse (true) or accept (false) new
// incoming connections (Godot refuse_new_connections). A refused peer is
// disconnected as soon as ENet completes its handshake and never surfaces
// from Service; HostRefusedConnections counts them.
func (h *Host) RefuseNewConnections(refuse bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone("refuse new connections")
	}
	hostSetRefuse(h.c, refuse)
	return nil
}

// Statistic returns a host counter without resetting it; 0 once destroyed.
func (h *Host) Statistic(s HostStatistic) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return 0
	}
	return hostStat(h.c, s, false)
}

// PopStatistic returns a host counter and resets it to 0 (Godot
// pop_statistic). HostDecompressFailures is not reset.
func (h *Host) PopStatistic(s HostStatistic) (uint64, error) {
	const op = "pop statistic"
	if s < 0 || int(s) >= len(hostStatisticNames) {
		return 0, opError(op, ErrInvalidParameter, "unknown statistic %d", int(s))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return 0, h.gone(op)
	}
	return hostStat(h.c, s, true), nil
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

// SocketSend sends data as one raw UDP datagram, without ENet framing, from
// the host's socket to address:port (Godot socket_send); used for NAT
// punching.
func (h *Host) SocketSend(address string, port int, data []byte) error {
	const op = "socket send"
	if port < 1 || port > 65535 {
		return opError(op, ErrInvalidParameter, "port %d outside 1..65535", port)
	}
	ip, err := h.remoteAddr(op, address)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone(op)
	}
	send := hostSocketSend
	if ip.Is6() {
		send = hostSocketSend6 // binding6.go
		if h.relayed {
			if err := h.startRelay(op); err != nil { // relay6.go
				return err
			}
			send = hostRelaySend
		}
	}
	if n := send(h.c, netip.AddrPortFrom(ip, uint16(port)), data); n < 0 {
		return opError(op, ErrFailed, "sendmsg failed")
	}
	return nil
}
