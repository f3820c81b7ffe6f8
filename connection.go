package enet

// The methods of Godot's ENetConnection on Host: connecting, host-wide
// sends and limits, compression, statistics and raw socket sends.

import "net/netip"

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
		send = hostSocketSend6
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
