package enet

// guard.go resolves and validates the host limits against hostile peers
// (HostConfig's MaxPacketSize .. Unguarded); the checks themselves run in C
// (cenet/guard.c) on every received datagram. See docs/hostile.md.

import "time"

// Defaults of the limits against hostile peers.
const (
	// DefaultMaxPacketSize is HostConfig.MaxPacketSize's default, ENet's
	// ENET_HOST_DEFAULT_MAXIMUM_PACKET_SIZE.
	DefaultMaxPacketSize = 32 << 20
	// DefaultMaxWaitingData is HostConfig.MaxWaitingData's default, ENet's
	// ENET_HOST_DEFAULT_MAXIMUM_WAITING_DATA.
	DefaultMaxWaitingData = 32 << 20
	// DefaultPendingPerAddress is HostConfig.PendingPerAddress's default.
	DefaultPendingPerAddress = 4
	// peerMemorySlack is what PeerMemoryLimit's default allows over
	// MaxPacketSize: the bookkeeping of a packet in assembly and a few
	// small packets waiting beside it.
	peerMemorySlack = 1 << 20
	// DefaultPeerCommandLimit is HostConfig.PeerCommandLimit's default.
	DefaultPeerCommandLimit = 65536
	// DefaultCutBan is HostConfig.CutBan's default.
	DefaultCutBan = 10 * time.Second
	// hostMemorySlack is what HostMemoryLimit's default allows over
	// PeerMemoryLimit: the other peers' traffic beside one large packet.
	hostMemorySlack = 7 << 20
)

// Host statistics of the inbound checks (docs/hostile.md). Each HostDropped*
// counts received datagrams dropped, for one reason, before ENet acted on
// them.
const (
	// HostDroppedMalformed counts datagrams with a truncated command, an
	// unknown command number or a payload past the datagram's end.
	HostDroppedMalformed HostStatistic = 8 + iota
	// HostDroppedFragment counts fragments whose count, number, offset or
	// length no ENet sender produces: zero-length fragments, more
	// fragments than bytes (the fragment-bitmap bomb), counts that do not
	// follow from the fragment length.
	HostDroppedFragment
	// HostDroppedOversize counts datagrams carrying a packet or fragment
	// length over the host's MaxPacketSize.
	HostDroppedOversize
	// HostDroppedSequence counts datagrams with a reliable sequence number
	// 7 or more windows of 4096 ahead of its channel's.
	HostDroppedSequence
	// HostDroppedPeerMemory counts datagrams dropped because their peer
	// held more than PeerMemoryLimit (the peer is disconnected too).
	HostDroppedPeerMemory
	// HostDroppedHostMemory counts datagrams dropped because all peers
	// together held more than HostMemoryLimit.
	HostDroppedHostMemory
	// HostDroppedPendingAddress counts connection requests dropped because
	// their address already had PendingPerAddress handshakes under way.
	HostDroppedPendingAddress
	// HostDroppedPendingTotal counts connection requests dropped because
	// PendingLimit handshakes were under way and no address had two or
	// more of them beyond the requester's.
	HostDroppedPendingTotal
	// HostDroppedAddressShare counts connection requests dropped because
	// the host was at least half full and their address held 1/16 of its
	// slots.
	HostDroppedAddressShare
	// HostDroppedAddressLimit counts connection requests dropped because
	// their address held PeersPerAddress peers.
	HostDroppedAddressLimit
	// HostDroppedBanned counts connection requests dropped because a peer
	// of their address was cut for memory less than CutBan ago.
	HostDroppedBanned
	// HostDroppedPeerCommands counts datagrams dropped because their peer
	// had more than PeerCommandLimit commands waiting (the peer is
	// disconnected too).
	HostDroppedPeerCommands
	// HostPeersCut counts peers disconnected for holding more memory than
	// PeerMemoryLimit, or the most when the host held more than
	// HostMemoryLimit.
	HostPeersCut
	// HostPendingEvicted counts handshakes abandoned to make room for a
	// request from an address with fewer under way, while PendingLimit
	// were.
	HostPendingEvicted
)

// DropReasons lists the HostDropped* statistics, in order.
var DropReasons = []HostStatistic{
	HostDroppedMalformed, HostDroppedFragment, HostDroppedOversize, HostDroppedSequence,
	HostDroppedPeerMemory, HostDroppedHostMemory, HostDroppedPendingAddress,
	HostDroppedPendingTotal, HostDroppedAddressShare, HostDroppedAddressLimit, HostDroppedBanned,
	HostDroppedPeerCommands,
}

// guardLimits is a HostConfig's resolved limits against hostile peers.
type guardLimits struct {
	enabled                bool
	maxPacket, maxWaiting  int
	peersPerAddr           int
	pendingPerAddr         int // 0: no limit
	pendingTotal           int // 0: no limit
	addressShare           int // 0: no limit
	peerMemory, hostMemory int64
	peerCommands           int           // 0: no limit
	cutBan                 time.Duration // 0: none
}

// resolveGuard applies the defaults to cfg's limits and checks their
// ranges; cfg.MaxPeers is already resolved.
func resolveGuard(op string, cfg *HostConfig) (guardLimits, error) {
	g := guardLimits{enabled: !cfg.Unguarded, maxPacket: cfg.MaxPacketSize,
		maxWaiting: cfg.MaxWaitingData, peersPerAddr: cfg.PeersPerAddress}
	switch {
	case g.maxPacket < 0 || g.maxPacket > maxMaxPacketSize:
		return g, opError(op, ErrInvalidParameter, "max packet size %d outside 0..%d", g.maxPacket, maxMaxPacketSize)
	case g.maxWaiting < 0:
		return g, opError(op, ErrInvalidParameter, "max waiting data %d below 0", g.maxWaiting)
	case cfg.AddressShare < -1 || cfg.AddressShare > MaxPeers:
		return g, opError(op, ErrInvalidParameter, "address share %d outside -1..%d", cfg.AddressShare, MaxPeers)
	case g.peersPerAddr < 0 || g.peersPerAddr > MaxPeers:
		return g, opError(op, ErrInvalidParameter, "peers per address %d outside 0..%d", g.peersPerAddr, MaxPeers)
	case cfg.PendingPerAddress < -1 || cfg.PendingLimit < -1:
		return g, opError(op, ErrInvalidParameter, "pending limits %d/%d below -1", cfg.PendingPerAddress, cfg.PendingLimit)
	case cfg.CutBan < -1 || cfg.CutBan > time.Hour:
		return g, opError(op, ErrInvalidParameter, "cut ban %v outside -1ns..1h", cfg.CutBan)
	case cfg.PeerCommandLimit < -1 || cfg.PeerCommandLimit > 1<<30:
		return g, opError(op, ErrInvalidParameter, "peer command limit %d outside -1..2^30", cfg.PeerCommandLimit)
	case cfg.PeerMemoryLimit < -1 || cfg.HostMemoryLimit < -1:
		return g, opError(op, ErrInvalidParameter, "memory limits %d/%d below -1", cfg.PeerMemoryLimit, cfg.HostMemoryLimit)
	}
	if g.maxPacket == 0 {
		g.maxPacket = DefaultMaxPacketSize
	}
	if g.maxWaiting == 0 {
		g.maxWaiting = DefaultMaxWaitingData
	}
	if g.peersPerAddr == 0 {
		g.peersPerAddr = MaxPeers
	}
	switch cfg.PendingPerAddress {
	case 0:
		g.pendingPerAddr = DefaultPendingPerAddress
	case -1:
	default:
		g.pendingPerAddr = cfg.PendingPerAddress
	}
	switch cfg.AddressShare {
	case 0:
		g.addressShare = cfg.MaxPeers / 16
	case -1:
	default:
		g.addressShare = cfg.AddressShare
	}
	switch cfg.PendingLimit {
	case 0:
		g.pendingTotal = max(4, cfg.MaxPeers/2)
	case -1:
	default:
		g.pendingTotal = cfg.PendingLimit
	}
	switch {
	case cfg.CutBan == 0:
		g.cutBan = DefaultCutBan
	case cfg.CutBan > 0:
		g.cutBan = max(cfg.CutBan, time.Millisecond)
	}
	switch cfg.PeerCommandLimit {
	case 0:
		g.peerCommands = DefaultPeerCommandLimit
	case -1:
	default:
		g.peerCommands = cfg.PeerCommandLimit
	}
	switch cfg.PeerMemoryLimit {
	case 0:
		g.peerMemory = int64(g.maxPacket) + peerMemorySlack
	case -1:
	default:
		g.peerMemory = int64(cfg.PeerMemoryLimit)
	}
	switch {
	case cfg.HostMemoryLimit == 0 && g.peerMemory > 0:
		g.hostMemory = g.peerMemory + hostMemorySlack
	case cfg.HostMemoryLimit == 0:
		g.hostMemory = int64(g.maxPacket) + peerMemorySlack + hostMemorySlack
	case cfg.HostMemoryLimit > 0:
		g.hostMemory = int64(cfg.HostMemoryLimit)
	}
	return g, nil
}

// maxMaxPacketSize bounds HostConfig.MaxPacketSize: ENet's fragment count
// limit (2^20) times the smallest fragment an ENet sender makes.
const maxMaxPacketSize = 1 << 30
