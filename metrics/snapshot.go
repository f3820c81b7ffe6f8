package metrics

import (
	"strings"

	"github.com/enetgo/enet"
)

// HostSnapshot is the state of a host at one instant: its counters and one
// [PeerSnapshot] per peer. Its fields encode to JSON with snake_case names.
type HostSnapshot struct {
	// LocalAddr is the address the host's socket is bound to, such as
	// "127.0.0.1:7777"; empty for an unbound client or a destroyed host.
	LocalAddr string `json:"local_addr,omitempty"`
	// Compression is the Godot name of the compression mode, such as
	// "COMPRESS_NONE".
	Compression string `json:"compression"`
	// SentBytes is enet.HostTotalSentData: bytes of datagrams sent.
	SentBytes uint64 `json:"sent_bytes"`
	// SentDatagrams is enet.HostTotalSentPackets.
	SentDatagrams uint64 `json:"sent_datagrams"`
	// ReceivedBytes is enet.HostTotalReceivedData.
	ReceivedBytes uint64 `json:"received_bytes"`
	// ReceivedDatagrams is enet.HostTotalReceivedPackets.
	ReceivedDatagrams uint64 `json:"received_datagrams"`
	// ServiceErrors is enet.HostServiceErrors.
	ServiceErrors uint64 `json:"service_errors"`
	// RefusedConnections is enet.HostRefusedConnections.
	RefusedConnections uint64 `json:"refused_connections"`
	// DecompressFailures is enet.HostDecompressFailures.
	DecompressFailures uint64 `json:"decompress_failures"`
	// SendFailures is enet.HostSendFailures: packets Peer.Send accepted
	// that ENet then refused (out of memory).
	SendFailures uint64 `json:"send_failures"`
	// Dropped counts received datagrams the inbound checks dropped, by
	// reason: the enet.HostDropped* statistics keyed by DropReason, such
	// as "fragment" or "peer_memory". Reasons with no drop are left out.
	Dropped map[string]uint64 `json:"dropped,omitempty"`
	// PeersCut is enet.HostPeersCut: peers disconnected for the memory
	// they held.
	PeersCut uint64 `json:"peers_cut"`
	// PendingEvicted is enet.HostPendingEvicted.
	PendingEvicted uint64 `json:"pending_evicted"`
	// PeerCount is the number of active peers (connecting, connected or
	// disconnecting): len(Peers).
	PeerCount int `json:"peer_count"`
	// ConnectedPeers is the number of peers in enet.StateConnected.
	ConnectedPeers int `json:"connected_peers"`
	// Peers holds one snapshot per active peer, in slot order.
	Peers []PeerSnapshot `json:"peers"`
}

// PeerSnapshot is the state of one peer at one instant, converted to
// ordinary units. An inactive peer has State enet.StateDisconnected, zero
// statistics and its final traffic counters.
type PeerSnapshot struct {
	// Address is the remote address and port, such as "127.0.0.1:5000";
	// empty for an inactive peer.
	Address string `json:"address"`
	// State is the ENet state of the connection.
	State enet.PeerState `json:"-"`
	// StateName is State's Godot name, such as "STATE_CONNECTED".
	StateName string `json:"state"`
	// RTTMillis is the smoothed round-trip time in milliseconds
	// (enet.PeerRoundTripTime).
	RTTMillis uint32 `json:"rtt_ms"`
	// RTTVarianceMillis is its variance in milliseconds.
	RTTVarianceMillis uint32 `json:"rtt_variance_ms"`
	// PacketLoss is the smoothed fraction of lost reliable packets, 0..1
	// (enet.PeerPacketLoss / enet.PacketLossScale).
	PacketLoss float64 `json:"packet_loss"`
	// Throttle is the fraction of unreliable packets ENet lets through,
	// 0..1 (enet.PeerPacketThrottle / enet.PacketThrottleScale).
	Throttle float64 `json:"throttle"`
	// PacketsSent, BytesSent, PacketsReceived and BytesReceived are
	// enet.PeerPacketsSent and the other traffic counters: packets and
	// payload bytes sent and received through the API.
	PacketsSent     uint64 `json:"packets_sent"`
	BytesSent       uint64 `json:"bytes_sent"`
	PacketsReceived uint64 `json:"packets_received"`
	BytesReceived   uint64 `json:"bytes_received"`
}

// Snapshot reads h's counters, all at one instant (Host.Statistics, which
// does not reset them), and its peers. A destroyed host gives a snapshot of
// zeros with no peers.
func Snapshot(h *enet.Host) HostSnapshot {
	st := h.Statistics()
	s := HostSnapshot{
		Compression:        h.Compression().String(),
		SentBytes:          st[enet.HostTotalSentData],
		SentDatagrams:      st[enet.HostTotalSentPackets],
		ReceivedBytes:      st[enet.HostTotalReceivedData],
		ReceivedDatagrams:  st[enet.HostTotalReceivedPackets],
		ServiceErrors:      st[enet.HostServiceErrors],
		RefusedConnections: st[enet.HostRefusedConnections],
		DecompressFailures: st[enet.HostDecompressFailures],
		SendFailures:       st[enet.HostSendFailures],
		PeersCut:           st[enet.HostPeersCut],
		PendingEvicted:     st[enet.HostPendingEvicted],
		Peers:              []PeerSnapshot{},
	}
	for _, r := range enet.DropReasons {
		if v := st[r]; v > 0 {
			if s.Dropped == nil {
				s.Dropped = map[string]uint64{}
			}
			s.Dropped[DropReason(r)] = v
		}
	}
	if a := h.LocalAddr(); a.IsValid() && a.Port() != 0 {
		s.LocalAddr = a.String()
	}
	for _, p := range h.Peers() {
		ps := SnapshotPeer(p)
		if ps.State == enet.StateDisconnected {
			continue // became inactive between Peers and Statistics
		}
		if ps.State == enet.StateConnected {
			s.ConnectedPeers++
		}
		s.Peers = append(s.Peers, ps)
	}
	s.PeerCount = len(s.Peers)
	return s
}

// SnapshotPeer reads one peer. It is also useful for peers kept after they
// became inactive, whose traffic counters stay readable.
func SnapshotPeer(p *enet.Peer) PeerSnapshot {
	st := p.Statistics()
	state := p.State()
	ps := PeerSnapshot{
		State:             state,
		StateName:         state.String(),
		RTTMillis:         uint32(st[enet.PeerRoundTripTime]),
		RTTVarianceMillis: uint32(st[enet.PeerRoundTripTimeVariance]),
		PacketLoss:        float64(st[enet.PeerPacketLoss]) / enet.PacketLossScale,
		Throttle:          float64(st[enet.PeerPacketThrottle]) / enet.PacketThrottleScale,
		PacketsSent:       st[enet.PeerPacketsSent],
		BytesSent:         st[enet.PeerBytesSent],
		PacketsReceived:   st[enet.PeerPacketsReceived],
		BytesReceived:     st[enet.PeerBytesReceived],
	}
	if a := p.RemoteAddrPort(); a.IsValid() {
		ps.Address = a.String()
	}
	return ps
}

// DropReason names a HostDropped* statistic as HostSnapshot.Dropped keys
// it: its name without "HOST_DROPPED_", in lower case ("fragment" for
// enet.HostDroppedFragment).
func DropReason(s enet.HostStatistic) string {
	return strings.ToLower(strings.TrimPrefix(s.String(), "HOST_DROPPED_"))
}
