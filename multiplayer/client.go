package multiplayer

import (
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/enetgo/enet"
)

// ClientConfig configures a Client. The zero value gives Godot's defaults.
type ClientConfig struct {
	// ID is the unique id sent as the ENet connect data; 0 picks a random
	// 31-bit id of at least 2, as Godot's generate_unique_id. A server
	// silently drops a client whose id is below 2 or already in use.
	ID int32
	// Channels is the number of channels: Godot 3's channel_count, at
	// least 3, 0 meaning 3 (the client requests exactly that many ENet
	// channels); for Godot 4 the number of custom transfer channels, 0
	// meaning all 253 (Godot 4 requests 255 ENet channels).
	Channels int
	// Compression must match the server's mode.
	Compression enet.CompressionMode
	// InBandwidth and OutBandwidth limit the host, in bytes per second;
	// 0 means unlimited.
	InBandwidth, OutBandwidth int
	// LocalPort binds the client to this UDP port; 0 lets the OS choose.
	LocalPort int
	// ConnectTimeout bounds Dial; 0 means 5 s.
	ConnectTimeout time.Duration
	// CloseTimeout bounds how long Close waits for the server to
	// acknowledge the disconnection; 0 means 1 s.
	CloseTimeout time.Duration
	// Auth turns on SceneMultiplayer's authentication with the server
	// (Godot4 dialect only; the server needs an auth_callback too):
	// PeerJoined{ID: 1} comes, and Send works, only once both sides
	// completed. It is called with peer 1.
	Auth AuthFunc
	// AuthTimeout is how long the server may take to authenticate; 0 means
	// 3 s (Godot's auth_timeout).
	AuthTimeout time.Duration
	// DTLS, when set, makes the client speak DTLS (dtls.go).
	DTLS *DTLSClientOptions
}

const defaultConnectTimeout = 5 * time.Second

// Client is a Godot-compatible multiplayer client: Godot's
// NetworkedMultiplayerENet (Godot 3) or ENetMultiplayerPeer with
// SceneMultiplayer (Godot 4) in client mode. It learns about the other
// clients from the server's add-peer and remove-peer messages, and sends to
// them through the server's relay.
//
// A Client runs one goroutine that services ENet and queues events for
// Events. All methods are safe for concurrent use. Close stops the
// goroutines.
type Client struct {
	service
	id       int32
	host     *enet.Host
	server   *enet.Peer
	channels int // valid transfer channels are 0..channels-1
	closeTO  time.Duration

	auth    AuthFunc
	mu      sync.Mutex
	known   map[int32]bool // the server (1) and the peers it announced
	pending *authPeer      // non-nil while authenticating with the server
	closed  bool
}

// RandomID returns a random unique id in 2..2^31-1, as Godot's
// generate_unique_id.
func RandomID() int32 {
	for {
		if id := int32(rand.Uint32() & 0x7FFFFFFF); id >= 2 {
			return id
		}
	}
}

// Dial connects to the server of dialect d at address:port (Godot
// create_client) and returns once the connection is up. The first event is
// PeerJoined{ID: 1}, as Godot's peer_connected(1). Dial fails with an error
// wrapping enet.ErrConnectFailed if the server does not answer within
// ClientConfig.ConnectTimeout. With ClientConfig.Auth, PeerJoined{ID: 1}
// comes only after authentication. Note that a server that rejects the id
// (Godot resets the connection silently) looks connected at first and
// then times out.
func Dial(d Dialect, address string, port int, cfg ClientConfig) (*Client, error) {
	const op = "dial"
	if !d.valid() {
		return nil, opError(op, enet.ErrInvalidParameter, "dialect %d", int(d))
	}
	c := &Client{id: cfg.ID, closeTO: cfg.CloseTimeout, auth: cfg.Auth}
	if c.auth != nil && !d.impl().auth() {
		return nil, opError(op, enet.ErrInvalidParameter, "authentication needs the Godot4 dialect")
	}
	if c.id == 0 {
		c.id = RandomID()
	}
	if c.closeTO <= 0 {
		c.closeTO = defaultCloseTimeout
	}
	hc := enet.HostConfig{MaxPeers: 1, InBandwidth: cfg.InBandwidth, OutBandwidth: cfg.OutBandwidth}
	enetChannels, transfer, err := d.impl().channels(op, cfg.Channels)
	if err != nil {
		return nil, err
	}
	hc.MaxChannels, c.channels = enetChannels, transfer
	var h *enet.Host
	if cfg.LocalPort != 0 {
		h, err = enet.CreateHostBound("*", cfg.LocalPort, hc)
	} else {
		h, err = enet.CreateHost(hc)
	}
	if err != nil {
		return nil, err
	}
	if cfg.Compression != enet.CompressNone {
		if err := h.Compress(cfg.Compression); err != nil {
			h.Destroy()
			return nil, err
		}
	}
	if err := setupClientDTLS(h, cfg.DTLS); err != nil {
		h.Destroy()
		return nil, err
	}
	p, err := h.ConnectToHost(address, port, enetChannels, uint32(c.id))
	if err != nil {
		h.Destroy()
		return nil, err
	}
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = defaultConnectTimeout
	}
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			h.Destroy()
			return nil, opError(op, enet.ErrConnectFailed, "no answer from %s:%d within %v", address, port, timeout)
		}
		ev, err := h.Service(min(left, serviceWait))
		if err != nil {
			h.Destroy()
			return nil, err
		}
		if ev.Type == enet.EventConnect {
			break
		}
		if ev.Type == enet.EventDisconnect {
			h.Destroy()
			if ev.Err != nil {
				return nil, opError(op, ev.Err, "%s:%d", address, port)
			}
			return nil, opError(op, enet.ErrConnectFailed, "%s:%d refused", address, port)
		}
	}
	c.host, c.server = h, p
	c.known = map[int32]bool{}
	c.init(d)
	if c.auth == nil {
		c.known[1] = true
		c.q.push(PeerJoined{ID: 1})
	} else {
		authTO := cfg.AuthTimeout
		if authTO <= 0 {
			authTO = defaultAuthTimeout
		}
		c.pending = &authPeer{id: 1, peer: p, deadline: time.Now().Add(authTO)}
	}
	c.start(c.run)
	return c, nil
}

// ID returns the client's unique id (Godot get_unique_id).
func (c *Client) ID() int32 { return c.id }

// Dialect returns the client's dialect.
func (c *Client) Dialect() Dialect { return c.d }

// Events returns the channel of PeerJoined, PeerLeft, Packet and AuthFailed
// events. Events are queued without limit; the channel is closed after
// PeerLeft{ID: 1} (the server went away), after AuthFailed{ID: 1}, or by
// Close.
func (c *Client) Events() <-chan Event { return c.q.out }

// Peers returns the ids the client knows in ascending order: 1 for the
// server and the other clients the server announced.
func (c *Client) Peers() []int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.known))
}

// Server returns the ENet connection to the server, for statistics and
// timeouts. Sending on it directly bypasses the dialect's framing.
func (c *Client) Server() *enet.Peer { return c.server }

// Send sends data to target with mode on transfer channel channel (0 for the
// mode's default channel), as Godot's put_packet: target 1 is the server,
// 0 everyone, N client N and -N everyone but N; packets for other clients go
// through the server's relay. In the Godot 4 dialect data is a
// SceneMultiplayer packet whose byte 0 is a command; use SendBytes for RAW
// payloads.
//
// Errors wrap enet.ErrInvalidParameter for a target the server has not
// announced, a bad mode or channel, or empty data, and enet.ErrUnconfigured
// after Close or once the server is gone. (Godot 4.6.3's client sends a
// relayed packet to any target without checking it, and the server drops
// it; Send reports the mistake instead.)
func (c *Client) Send(target int32, data []byte, mode TransferMode, channel int) error {
	const op = "send"
	if err := checkSend(op, mode, channel, c.channels, data); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed(op)
	}
	if c.pending != nil {
		return opError(op, enet.ErrUnconfigured, "still authenticating")
	}
	if target != 0 && !c.known[abs(target)] {
		return opError(op, enet.ErrInvalidParameter, "unknown target peer %d", target)
	}
	enetCh, flags := c.d.wireFor(mode, channel)
	return c.server.Send(enetCh, c.d.impl().frame(c.id, target, data), flags)
}

// SendBytes sends payload as Godot's MultiplayerAPI.send_bytes does, after
// the dialect's RAW command byte (see AppendRaw).
func (c *Client) SendBytes(target int32, payload []byte, mode TransferMode, channel int) error {
	if len(payload) == 0 {
		return opError("send bytes", enet.ErrInvalidParameter, "empty payload")
	}
	return c.Send(target, AppendRaw(nil, c.d, payload), mode, channel)
}

// Close disconnects from the server (with the client's id as data in the
// Godot 3 dialect, as Godot's close_connection, 0 in Godot 4) after the
// queued packets are sent, waits up to ClientConfig.CloseTimeout for the
// acknowledgement, destroys the host, stops the goroutines and closes the
// Events channel. Close is idempotent.
func (c *Client) Close() error {
	c.close()
	return nil
}

func (c *Client) run() {
	var buf []byte
	if c.pending != nil {
		c.mu.Lock()
		c.authLocked(nil)
		c.mu.Unlock()
	}
	for {
		if c.stopping() {
			c.shutdown()
			return
		}
		ev, err := c.host.ServiceInto(serviceWait, buf)
		if err != nil {
			c.lost()
			return
		}
		switch ev.Type {
		case enet.EventDisconnect:
			c.lost()
			return
		case enet.EventReceive:
			if cap(ev.Packet) > cap(buf) {
				buf = ev.Packet[:0]
			}
			c.d.impl().clientReceive(c, ev)
		}
		c.mu.Lock()
		if c.pending != nil && time.Now().After(c.pending.deadline) {
			c.rejectLocked()
		}
		c.mu.Unlock()
	}
}

// authLocked runs the AuthFunc with data (nil to start) for the server.
func (c *Client) authLocked(data []byte) {
	admit, err := c.pending.call(c.auth, data)
	switch {
	case err != nil:
		c.rejectLocked()
	case admit:
		c.admitLocked()
	}
}

func (c *Client) admitLocked() {
	c.pending = nil
	c.known[1] = true
	c.q.push(PeerJoined{ID: 1})
}

// rejectLocked ends a failed authentication: the client disconnects, as
// Godot's disconnect_peer(1), and the end of the connection follows.
func (c *Client) rejectLocked() {
	c.pending = nil
	c.server.Disconnect(0)
	c.q.push(AuthFailed{ID: 1})
}

// lost handles the end of the connection from the server's side.
func (c *Client) lost() {
	c.mu.Lock()
	c.closed = true
	admitted := c.known[1]
	if c.pending != nil {
		c.pending = nil
		c.q.push(AuthFailed{ID: 1})
	}
	c.mu.Unlock()
	c.host.Destroy()
	if admitted {
		c.q.push(PeerLeft{ID: 1})
	}
}

func (c *Client) shutdown() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	data := c.d.impl().disconnectData(c.id)
	if c.server.DisconnectLater(data) == nil {
		deadline := time.Now().Add(c.closeTO)
		for time.Now().Before(deadline) {
			ev, err := c.host.ServiceInto(serviceWait, nil)
			if err != nil || ev.Type == enet.EventDisconnect {
				break
			}
		}
		c.server.DisconnectNow(data) // no-op once disconnected
	}
	c.host.Flush()
	c.host.Destroy()
}

func (c *Client) peerEvent(add bool, id int32) {
	if id == 1 || id == c.id {
		return
	}
	c.mu.Lock()
	had := c.known[id]
	if add {
		c.known[id] = true
	} else {
		delete(c.known, id)
	}
	c.mu.Unlock()
	switch {
	case add && !had:
		c.q.push(PeerJoined{ID: id})
	case !add && had:
		c.q.push(PeerLeft{ID: id})
	}
}
