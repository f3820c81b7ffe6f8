package enet

import "strconv"

// PeerState is the state of a peer's connection, numbered as ENet's
// ENetPeerState and Godot's ENetPacketPeer.PeerState.
type PeerState int

// Peer states (Godot ENetPacketPeer.STATE_*).
const (
	StateDisconnected            PeerState = 0
	StateConnecting              PeerState = 1
	StateAcknowledgingConnect    PeerState = 2
	StateConnectionPending       PeerState = 3
	StateConnectionSucceeded     PeerState = 4
	StateConnected               PeerState = 5
	StateDisconnectLater         PeerState = 6
	StateDisconnecting           PeerState = 7
	StateAcknowledgingDisconnect PeerState = 8
	StateZombie                  PeerState = 9
)

var peerStateNames = [...]string{
	"STATE_DISCONNECTED", "STATE_CONNECTING", "STATE_ACKNOWLEDGING_CONNECT",
	"STATE_CONNECTION_PENDING", "STATE_CONNECTION_SUCCEEDED", "STATE_CONNECTED",
	"STATE_DISCONNECT_LATER", "STATE_DISCONNECTING", "STATE_ACKNOWLEDGING_DISCONNECT",
	"STATE_ZOMBIE",
}

// String returns the Godot name of the state, such as "STATE_CONNECTED".
func (s PeerState) String() string { return enumName(peerStateNames[:], int(s), "PeerState") }

// PeerStatistic selects one of a peer's statistics. 0..13 are ENet's,
// numbered as Godot's ENetPacketPeer.PeerStatistic, each read from one
// ENetPeer field; from 14 on they are this package's own traffic counters.
type PeerStatistic int

// Peer statistics (Godot ENetPacketPeer.PEER_*), each named after the
// ENetPeer field it reads, then this package's traffic counters.
const (
	PeerPacketLoss                 PeerStatistic = 0  // packetLoss, scaled by PacketLossScale
	PeerPacketLossVariance         PeerStatistic = 1  // packetLossVariance
	PeerPacketLossEpoch            PeerStatistic = 2  // packetLossEpoch, ms
	PeerRoundTripTime              PeerStatistic = 3  // roundTripTime, ms
	PeerRoundTripTimeVariance      PeerStatistic = 4  // roundTripTimeVariance, ms
	PeerLastRoundTripTime          PeerStatistic = 5  // lastRoundTripTime, ms
	PeerLastRoundTripTimeVariance  PeerStatistic = 6  // lastRoundTripTimeVariance, ms
	PeerPacketThrottle             PeerStatistic = 7  // packetThrottle, of PacketThrottleScale
	PeerPacketThrottleLimit        PeerStatistic = 8  // packetThrottleLimit
	PeerPacketThrottleCounter      PeerStatistic = 9  // packetThrottleCounter
	PeerPacketThrottleEpoch        PeerStatistic = 10 // packetThrottleEpoch, ms
	PeerPacketThrottleAcceleration PeerStatistic = 11 // packetThrottleAcceleration
	PeerPacketThrottleDeceleration PeerStatistic = 12 // packetThrottleDeceleration
	PeerPacketThrottleInterval     PeerStatistic = 13 // packetThrottleInterval, ms

	// PeerPacketsSent counts the packets Peer.Send (and PutVar) accepted
	// for this peer. The traffic counters count this package's API
	// only: ENet's own headers, acknowledgements and resends are not
	// included (see HostStatistic for datagram totals), and they stay
	// readable after the peer becomes inactive.
	PeerPacketsSent PeerStatistic = 14
	// PeerBytesSent counts the payload bytes of those packets.
	PeerBytesSent PeerStatistic = 15
	// PeerPacketsReceived counts the packets received from this peer
	// and returned by a Service call.
	PeerPacketsReceived PeerStatistic = 16
	// PeerBytesReceived counts the payload bytes of those packets.
	PeerBytesReceived PeerStatistic = 17
)

// PeerStatisticCount is the number of PeerStatistic values.
const PeerStatisticCount = 18

// enetPeerStatistics is the number of PeerStatistic values read from ENet
// (Godot's).
const enetPeerStatistics = 14

var peerStatisticNames = [...]string{
	"PEER_PACKET_LOSS", "PEER_PACKET_LOSS_VARIANCE", "PEER_PACKET_LOSS_EPOCH",
	"PEER_ROUND_TRIP_TIME", "PEER_ROUND_TRIP_TIME_VARIANCE", "PEER_LAST_ROUND_TRIP_TIME",
	"PEER_LAST_ROUND_TRIP_TIME_VARIANCE", "PEER_PACKET_THROTTLE", "PEER_PACKET_THROTTLE_LIMIT",
	"PEER_PACKET_THROTTLE_COUNTER", "PEER_PACKET_THROTTLE_EPOCH",
	"PEER_PACKET_THROTTLE_ACCELERATION", "PEER_PACKET_THROTTLE_DECELERATION",
	"PEER_PACKET_THROTTLE_INTERVAL",
	"PEER_PACKETS_SENT", "PEER_BYTES_SENT", "PEER_PACKETS_RECEIVED", "PEER_BYTES_RECEIVED",
}

// String returns the Godot name of the statistic, such as
// "PEER_ROUND_TRIP_TIME".
func (s PeerStatistic) String() string {
	return enumName(peerStatisticNames[:], int(s), "PeerStatistic")
}

// PeerStats holds every statistic of a peer, read at one instant: the
// peer-level statistics type. Index it with a PeerStatistic:
// stats[enet.PeerRoundTripTime]. ENet's values are the ENetPeer fields,
// unconverted.
type PeerStats [PeerStatisticCount]uint64

// Traffic counts the packets and payload bytes a peer sent and received
// through this package's API.
//
// Deprecated: read PeerPacketsSent, PeerBytesSent, PeerPacketsReceived and
// PeerBytesReceived from Peer.Statistics, the one peer statistics type.
type Traffic struct {
	PacketsSent, BytesSent         uint64
	PacketsReceived, BytesReceived uint64
}

// Scales of ENet's fixed-point statistics (Godot ENetPacketPeer constants).
const (
	// PacketLossScale is the fixed-point scale of PeerPacketLoss:
	// 65536 means 100 % loss (ENET_PEER_PACKET_LOSS_SCALE).
	PacketLossScale = 65536
	// PacketThrottleScale is the scale of the throttle values: 32 means
	// every unreliable packet is sent (ENET_PEER_PACKET_THROTTLE_SCALE).
	PacketThrottleScale = 32
)

// HostStatistic selects a host counter, numbered as Godot's
// ENetConnection.HostStatistic for 0..3. Values from 4 on are this
// package's own counters (8 on: the inbound checks of guard.go).
type HostStatistic int

// Host statistics.
const (
	// HostTotalSentData is the bytes sent (ENetHost.totalSentData).
	HostTotalSentData HostStatistic = 0
	// HostTotalSentPackets is the datagrams sent (totalSentPackets).
	HostTotalSentPackets HostStatistic = 1
	// HostTotalReceivedData is the bytes received (totalReceivedData).
	HostTotalReceivedData HostStatistic = 2
	// HostTotalReceivedPackets is the datagrams received
	// (totalReceivedPackets).
	HostTotalReceivedPackets HostStatistic = 3
	// HostServiceErrors counts enet_host_service failures that were
	// survived, such as ENet 1.3.17's failure on datagrams over 4096 bytes
	// (1.3.18 skips those without failing: docs/platforms.md), and datagrams of a batched send the kernel refused with an error
	// other than a full socket buffer (where ENet's own send would have
	// failed the service call; see "Datagram I/O" in the package doc).
	HostServiceErrors HostStatistic = 4
	// HostRefusedConnections counts incoming connections refused while
	// RefuseNewConnections was on.
	HostRefusedConnections HostStatistic = 5
	// HostDecompressFailures counts received datagrams dropped because the
	// FastLZ, zlib or zstd decompressor rejected them.
	HostDecompressFailures HostStatistic = 6
	// HostSendFailures counts packets that Peer.Send accepted but ENet
	// then refused when the host handed them over (out of memory: every
	// other reason is reported by Send itself).
	HostSendFailures HostStatistic = 7
)

// HostStatisticCount is the number of HostStatistic values.
const HostStatisticCount = 22

// HostStats holds every counter of a host, read at one instant: the
// host-level statistics type. Index it with a HostStatistic:
// stats[enet.HostSendFailures].
type HostStats [HostStatisticCount]uint64

// Statistics returns every host counter, read at one instant under the
// host's lock, without resetting them; all zero once destroyed.
func (h *Host) Statistics() HostStats {
	var s HostStats
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return s
	}
	for i := range s {
		s[i] = hostStat(h.c, HostStatistic(i), false)
	}
	return s
}

// The names cover every HostStatistic.
var _ [HostStatisticCount]string = hostStatisticNames

var hostStatisticNames = [...]string{
	"HOST_TOTAL_SENT_DATA", "HOST_TOTAL_SENT_PACKETS", "HOST_TOTAL_RECEIVED_DATA",
	"HOST_TOTAL_RECEIVED_PACKETS", "HOST_SERVICE_ERRORS", "HOST_REFUSED_CONNECTIONS",
	"HOST_DECOMPRESS_FAILURES", "HOST_SEND_FAILURES",
	// guard.go
	"HOST_DROPPED_MALFORMED", "HOST_DROPPED_FRAGMENT", "HOST_DROPPED_OVERSIZE",
	"HOST_DROPPED_SEQUENCE", "HOST_DROPPED_PEER_MEMORY", "HOST_DROPPED_HOST_MEMORY",
	"HOST_DROPPED_PENDING_ADDRESS", "HOST_DROPPED_PENDING_TOTAL", "HOST_DROPPED_ADDRESS_SHARE",
	"HOST_DROPPED_ADDRESS_LIMIT", "HOST_DROPPED_BANNED", "HOST_DROPPED_PEER_COMMANDS",
	"HOST_PEERS_CUT", "HOST_PENDING_EVICTED",
}

// String returns the statistic's name, such as "HOST_TOTAL_SENT_DATA".
func (s HostStatistic) String() string {
	return enumName(hostStatisticNames[:], int(s), "HostStatistic")
}

func enumName(names []string, v int, typ string) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(v) + ")"
}
