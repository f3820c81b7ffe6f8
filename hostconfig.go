package enet

// HostConfig: the limits and options a host is created with.

import "time"

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
