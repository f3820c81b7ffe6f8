package multiplayer

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/enetgo/enet"
)

// ServerConfig configures a Server. The zero value gives Godot's defaults:
// 32 clients, the default channels, relaying on, no compression.
type ServerConfig struct {
	// MaxClients is the number of client slots, 1..4095; 0 means 32
	// (Godot's max_clients).
	MaxClients int
	// Channels is the number of custom transfer channels clients may use
	// besides the defaults. Godot 3: the total channel_count, at least 3;
	// 0 means 3, and transfer channels 1..Channels-1 are ENet channels.
	// Godot 4: 0 means ENet's 255 (what Godot 4 servers always use), N
	// allows transfer channels 1..N on ENet channels 2..N+1.
	Channels int
	// NoRelay turns server relaying off (Godot server_relay = false):
	// clients are not told about each other and can only reach the server.
	NoRelay bool
	// RefuseNewConnections starts the server refusing connections
	// (Godot refuse_new_connections).
	RefuseNewConnections bool
	// Compression must match the clients' mode: Godot 3.2 and Godot 4
	// default to none, Godot 3.4+ to the range coder.
	Compression enet.CompressionMode
	// InBandwidth and OutBandwidth limit the host, in bytes per second;
	// 0 means unlimited.
	InBandwidth, OutBandwidth int
	// CloseTimeout bounds how long Close waits for clients to acknowledge
	// the disconnection; 0 means 1 s.
	CloseTimeout time.Duration
	// Auth turns on SceneMultiplayer's authentication (Godot4 dialect
	// only): a client is admitted only after Auth and the client both
	// complete. The client must have an auth_callback too.
	Auth AuthFunc
	// AuthTimeout is how long a client may take to authenticate; 0 means
	// 3 s (Godot's auth_timeout).
	AuthTimeout time.Duration
	// DTLS, when set, makes the server speak DTLS (dtls.go).
	DTLS *DTLSServerOptions
	// Limits, when set, gives the host's inbound checks: the fields of
	// enet.HostConfig from MaxPacketSize to Unguarded, and BusyPoll
	// (docs/hostile.md; for example AddressShare -1 for many players
	// behind one address). Its other fields are ignored: MaxClients,
	// Channels, the bandwidths and RefuseNewConnections above set those.
	Limits *enet.HostConfig
}

// serviceWait is how long the service goroutine waits in ENet before it
// looks at the stop signal. Sends wake it earlier.
const serviceWait = 20 * time.Millisecond

const defaultCloseTimeout = time.Second

// Server is a Godot-compatible multiplayer server: Godot's
// NetworkedMultiplayerENet (Godot 3) or ENetMultiplayerPeer with
// SceneMultiplayer (Godot 4) in server mode. Its id is 1.
//
// A Server runs one goroutine that services ENet, assigns ids, relays
// packets between clients and queues events for Events. All methods are
// safe for concurrent use. Close stops the goroutines.
type Server struct {
	service
	host     *enet.Host
	channels int // valid transfer channels are 0..channels-1
	relay    bool
	closeTO  time.Duration

	auth    AuthFunc
	authTO  time.Duration
	mu      sync.Mutex
	conns   map[*enet.Peer]int32 // every connection with a valid id
	ids     map[int32]*enet.Peer // the same, by id: ids in use
	byID    map[int32]*enet.Peer // admitted peers (all of ids unless authenticating)
	pending map[int32]*authPeer  // peers still authenticating
	closed  bool
}

// NewServer listens on address:port ("" or "*" for every interface, port 0
// for any free port, see Port) and serves clients of dialect d
// (Godot create_server).
func NewServer(d Dialect, address string, port int, cfg ServerConfig) (*Server, error) {
	const op = "new server"
	if !d.valid() {
		return nil, opError(op, enet.ErrInvalidParameter, "dialect %d", int(d))
	}
	if cfg.MaxClients < 0 || cfg.MaxClients > enet.MaxPeers {
		return nil, opError(op, enet.ErrInvalidParameter, "max clients %d outside 1..%d", cfg.MaxClients, enet.MaxPeers)
	}
	var hc enet.HostConfig
	if cfg.Limits != nil {
		hc = *cfg.Limits
	}
	hc.MaxPeers, hc.InBandwidth, hc.OutBandwidth = cfg.MaxClients, cfg.InBandwidth, cfg.OutBandwidth
	hc.ReusePort, hc.RefuseNewConnections = false, false // the latter is set below
	s := &Server{relay: !cfg.NoRelay, closeTO: cfg.CloseTimeout}
	enetChannels, transfer, err := d.impl().channels(op, cfg.Channels)
	if err != nil {
		return nil, err
	}
	hc.MaxChannels, s.channels = enetChannels, transfer
	if s.closeTO <= 0 {
		s.closeTO = defaultCloseTimeout
	}
	if cfg.Auth != nil && !d.impl().auth() {
		return nil, opError(op, enet.ErrInvalidParameter, "authentication needs the Godot4 dialect")
	}
	s.auth, s.authTO = cfg.Auth, cfg.AuthTimeout
	if s.authTO <= 0 {
		s.authTO = defaultAuthTimeout
	}
	if address == "" {
		address = "*"
	}
	h, err := enet.CreateHostBound(address, port, hc)
	if err != nil {
		return nil, err
	}
	if cfg.Compression != enet.CompressNone {
		if err := h.Compress(cfg.Compression); err != nil {
			h.Destroy()
			return nil, err
		}
	}
	if err := setupServerDTLS(h, cfg.DTLS); err != nil {
		h.Destroy()
		return nil, err
	}
	if cfg.RefuseNewConnections {
		if err := h.RefuseNewConnections(true); err != nil {
			h.Destroy()
			return nil, err
		}
	}
	s.host = h
	s.conns = make(map[*enet.Peer]int32)
	s.ids = make(map[int32]*enet.Peer)
	s.byID = make(map[int32]*enet.Peer)
	s.pending = make(map[int32]*authPeer)
	s.init(d)
	s.start(s.run)
	return s, nil
}

// Dialect returns the server's dialect.
func (s *Server) Dialect() Dialect { return s.d }

// Port returns the UDP port the server listens on, useful after port 0.
func (s *Server) Port() int { return s.host.LocalPort() }

// Events returns the channel of PeerJoined, PeerLeft, Packet and (with
// ServerConfig.Auth) AuthFailed events.
// Events are queued without limit, so the server never stalls on a slow
// reader; the channel is closed by Close.
func (s *Server) Events() <-chan Event { return s.q.out }

// Peers returns the ids of the connected clients in ascending order
// (Godot's get_peers on the server).
func (s *Server) Peers() []int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.byID))
}

// Peer returns the ENet connection of client id, for statistics and
// timeouts, or nil if id is not connected. Sending on it directly bypasses
// the dialect's framing.
func (s *Server) Peer(id int32) *enet.Peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// RefuseNewConnections makes the server refuse (true) or accept (false) new
// clients (Godot set_refuse_new_connections). Refused clients are dropped
// during the handshake and never reported.
func (s *Server) RefuseNewConnections(refuse bool) error {
	return s.host.RefuseNewConnections(refuse)
}

// Send sends data to target with mode on transfer channel channel (0 for the
// mode's default channel) as Godot's put_packet with set_target_peer,
// set_transfer_mode and set_transfer_channel: target 0 sends to every
// client, N > 1 to client N, -N to every client but N. In the Godot 4
// dialect data is a SceneMultiplayer packet whose byte 0 is a command; use
// SendBytes for RAW payloads.
//
// Errors wrap enet.ErrInvalidParameter for an unknown target, a bad mode or
// channel, or empty data, and enet.ErrUnconfigured after Close.
func (s *Server) Send(target int32, data []byte, mode TransferMode, channel int) error {
	const op = "send"
	if err := checkSend(op, mode, channel, s.channels, data); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed(op)
	}
	if target != 0 && s.byID[abs(target)] == nil {
		return opError(op, enet.ErrInvalidParameter, "unknown target peer %d", target)
	}
	enetCh, flags := s.d.wireFor(mode, channel)
	return s.sendLocked(target, 0, s.d.impl().frame(1, target, data), enetCh, flags)
}

// SendBytes sends payload as Godot's MultiplayerAPI.send_bytes does: after
// the dialect's RAW command byte (see AppendRaw), so that a GDScript
// receives it through the network_peer_packet (Godot 3) or peer_packet
// (Godot 4) signal.
func (s *Server) SendBytes(target int32, payload []byte, mode TransferMode, channel int) error {
	if len(payload) == 0 {
		return opError("send bytes", enet.ErrInvalidParameter, "empty payload")
	}
	return s.Send(target, AppendRaw(nil, s.d, payload), mode, channel)
}

// sendLocked sends data to target (0 all, N one, -N all but N), skipping
// exclude too, holding s.mu. The first error is returned; the other peers
// still get the packet.
func (s *Server) sendLocked(target, exclude int32, data []byte, enetCh int, flags enet.PacketFlags) error {
	if target > 0 {
		return s.byID[target].Send(enetCh, data, flags)
	}
	var first error
	for id, p := range s.byID {
		if id == -target || id == exclude {
			continue
		}
		if err := p.Send(enetCh, data, flags); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// DisconnectPeer disconnects client id (Godot disconnect_peer). With now
// false the client is told after its queued packets are sent, and PeerLeft
// follows its acknowledgement; with now true it is dropped at once and
// PeerLeft is queued immediately. Either way the other clients get the
// dialect's remove-peer message.
func (s *Server) DisconnectPeer(id int32, now bool) error {
	const op = "disconnect peer"
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed(op)
	}
	p := s.ids[id]
	if p == nil {
		return opError(op, enet.ErrInvalidParameter, "unknown peer %d", id)
	}
	if !now {
		return p.DisconnectLater(0)
	}
	err := p.DisconnectNow(0)
	s.forgetLocked(p, id)
	return err
}

// Close disconnects every client as Godot's close_connection does (with the
// server's id 1 as data in the Godot 3 dialect, 0 in Godot 4), waits up to
// ServerConfig.CloseTimeout for them to acknowledge after their queued
// packets are sent, then destroys the host, stops the goroutines and closes
// the Events channel. Undelivered events are dropped. Close is idempotent.
func (s *Server) Close() error {
	s.close()
	return nil
}

func (s *Server) run() {
	var buf []byte
	for {
		if s.stopping() {
			s.shutdown()
			return
		}
		ev, err := s.host.ServiceInto(serviceWait, buf)
		if err != nil {
			s.mu.Lock()
			s.closed = true
			s.mu.Unlock()
			s.host.Destroy()
			return
		}
		switch ev.Type {
		case enet.EventConnect:
			s.onConnect(ev)
		case enet.EventDisconnect:
			s.mu.Lock()
			if id, ok := s.conns[ev.Peer]; ok {
				s.forgetLocked(ev.Peer, id)
			}
			s.mu.Unlock()
		case enet.EventReceive:
			if cap(ev.Packet) > cap(buf) {
				buf = ev.Packet[:0]
			}
			s.mu.Lock()
			s.receiveLocked(ev)
			s.mu.Unlock()
		}
		if s.auth != nil {
			s.expireAuth()
		}
	}
}

func (s *Server) receiveLocked(ev enet.Event) {
	id, ok := s.conns[ev.Peer]
	if !ok {
		return
	}
	if a := s.pending[id]; a != nil {
		admit, process, err := a.receive(s.auth, ev.Packet)
		if err != nil {
			s.rejectLocked(a)
			return
		}
		if admit {
			delete(s.pending, id)
			s.admitLocked(ev.Peer, id)
		}
		if !process {
			return
		}
	}
	s.d.impl().serverReceive(s, id, ev)
}

// expireAuth disconnects peers whose authentication timed out.
func (s *Server) expireAuth() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for _, a := range s.pending {
		if now.After(a.deadline) {
			s.rejectLocked(a)
		}
	}
}

// rejectLocked ends a failed authentication: the peer is disconnected
// (Godot's disconnect_peer) and reported as AuthFailed.
func (s *Server) rejectLocked(a *authPeer) {
	delete(s.pending, a.id)
	a.peer.Disconnect(0)
	s.q.push(AuthFailed{ID: a.id})
}

// shutdown disconnects everyone gracefully, bounded by closeTO.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	data := s.d.impl().disconnectData(1)
	pending := map[*enet.Peer]bool{}
	for _, p := range s.host.Peers() {
		if p.State() == enet.StateConnected && p.DisconnectLater(data) == nil {
			pending[p] = true
		}
	}
	deadline := time.Now().Add(s.closeTO)
	for len(pending) > 0 && time.Now().Before(deadline) {
		ev, err := s.host.ServiceInto(serviceWait, nil)
		if err != nil {
			break
		}
		if ev.Type == enet.EventDisconnect {
			delete(pending, ev.Peer)
		}
	}
	for p := range pending {
		p.DisconnectNow(data)
	}
	s.host.Flush()
	s.host.Destroy()
}

func (s *Server) onConnect(ev enet.Event) {
	id := int32(ev.Data) // like Godot's int conversion: ids >= 2^31 become negative
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 2 || s.ids[id] != nil || s.closed {
		ev.Peer.Reset() // Godot resets silently
		return
	}
	s.conns[ev.Peer] = id
	s.ids[id] = ev.Peer
	if s.auth == nil {
		s.admitLocked(ev.Peer, id)
		return
	}
	a := &authPeer{id: id, peer: ev.Peer, deadline: time.Now().Add(s.authTO)}
	s.pending[id] = a
	if _, err := a.call(s.auth, nil); err != nil {
		s.rejectLocked(a)
	}
}

// admitLocked makes id a full peer: the others hear of it (ADD_PEER) and
// it hears of them, and PeerJoined is queued.
func (s *Server) admitLocked(p *enet.Peer, id int32) {
	if s.relay {
		for other, o := range s.byID {
			s.sendSysLocked(o, true, id)
			s.sendSysLocked(p, true, other)
		}
	}
	s.byID[id] = p
	s.q.push(PeerJoined{ID: id})
}

// forgetLocked forgets connection id. An admitted peer is announced to the
// others as gone and PeerLeft is queued; an authenticating one is reported
// as AuthFailed.
func (s *Server) forgetLocked(p *enet.Peer, id int32) {
	delete(s.conns, p)
	delete(s.ids, id)
	if s.pending[id] != nil {
		delete(s.pending, id)
		s.q.push(AuthFailed{ID: id})
		return
	}
	if s.byID[id] == nil {
		return
	}
	delete(s.byID, id)
	if s.relay {
		for _, o := range s.byID {
			s.sendSysLocked(o, false, id)
		}
	}
	s.q.push(PeerLeft{ID: id})
}

// sendSysLocked sends the dialect's add-peer (add) or remove-peer message
// about id to p.
func (s *Server) sendSysLocked(p *enet.Peer, add bool, id int32) {
	enetCh, msg := s.d.impl().peerMsg(add, id)
	p.Send(enetCh, msg, enet.FlagReliable)
}

func abs(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
