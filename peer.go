package enet

import (
	"fmt"
	"net/netip"
	"time"
)

// Peer is one connection of a Host, Godot's ENetPacketPeer. It is created
// by Host.ConnectToHost or when Host.Service reports an incoming
// connection, and stands for that one connection only: when ENet reuses the
// slot for a new connection, that connection gets a new *Peer.
//
// A Peer becomes inactive for good when its DISCONNECT event is returned,
// after Reset or DisconnectNow, or when its host is destroyed. Every method
// stays safe to call after that: it returns ErrUnconfigured or the zero
// value, as documented.
//
// Peer methods are safe for concurrent use; they take the host's lock.
type Peer struct {
	h         *Host
	slot      int
	active    bool // until its DISCONNECT is returned, Reset, ...; guarded by h.mu
	gone      bool // its ENet slot no longer belongs to it; guarded by h.mu
	connected bool // an EventConnect was seen; guarded by h.mu
	addr      netip.AddrPort
	queue     packetQueue // guarded by h.mu
	traffic   Traffic     // guarded by h.mu
	encodeMax int         // PutVar limit, 0 for the default; guarded by h.mu
}

// Traffic returns the peer's packet and byte counters. They stay readable
// after the peer becomes inactive.
//
// Deprecated: use Statistics, whose PeerPacketsSent, PeerBytesSent,
// PeerPacketsReceived and PeerBytesReceived are the same counters.
func (p *Peer) Traffic() Traffic {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	return p.traffic
}

// queuedPacket is a received packet waiting in a peer's queue.
type queuedPacket struct {
	data  []byte
	flags PacketFlags
}

// packetQueue is a FIFO of received packets.
type packetQueue struct {
	items []queuedPacket
	head  int
}

func (q *packetQueue) len() int { return len(q.items) - q.head }

func (q *packetQueue) push(p queuedPacket) {
	if q.head > 0 && q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	q.items = append(q.items, p)
}

func (q *packetQueue) pop() queuedPacket {
	p := q.items[q.head]
	q.items[q.head] = queuedPacket{}
	q.head++
	return p
}

// lock locks the host and reports whether the peer's ENet slot is still
// its own, so that C calls on the slot are allowed. The caller unlocks h.mu
// in either case.
func (p *Peer) lock() bool {
	p.h.mu.Lock()
	return p.active && !p.gone && p.h.c != nil
}

func (p *Peer) inactive(op string) error { return opError(op, ErrUnconfigured, "peer is not active") }

// IsActive reports whether the peer is still connected or connecting, that
// is, whether it can still be used (Godot is_active).
func (p *Peer) IsActive() bool {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	return p.active && p.h.c != nil
}

// State returns the ENet state of the connection, or StateDisconnected for
// an inactive peer (Godot get_state).
func (p *Peer) State() PeerState {
	defer p.h.mu.Unlock()
	if !p.lock() {
		return StateDisconnected
	}
	return peerState(p.h.c, p.slot)
}

// Channels returns the number of channels of the connection, or 0 for an
// inactive peer (Godot get_channels).
func (p *Peer) Channels() int {
	defer p.h.mu.Unlock()
	if !p.lock() {
		return 0
	}
	return peerChannels(p.h.c, p.slot)
}

// RemoteAddress returns the remote IPv4 address, or the zero Addr for an
// inactive peer (Godot get_remote_address, which returns "" then).
func (p *Peer) RemoteAddress() netip.Addr {
	defer p.h.mu.Unlock()
	if !p.lock() {
		return netip.Addr{}
	}
	return p.addr.Addr()
}

// RemotePort returns the remote UDP port, or 0 for an inactive peer (Godot
// get_remote_port).
func (p *Peer) RemotePort() int {
	defer p.h.mu.Unlock()
	if !p.lock() {
		return 0
	}
	return int(p.addr.Port())
}

// RemoteAddrPort returns the remote address and port together, or the zero
// value for an inactive peer.
func (p *Peer) RemoteAddrPort() netip.AddrPort {
	defer p.h.mu.Unlock()
	if !p.lock() {
		return netip.AddrPort{}
	}
	return p.addr
}

// Statistic returns one statistic of the connection (Godot
// get_statistic for ENet's): ENet's are read straight from the ENetPeer
// field named in the PeerStatistic's doc. It returns 0 for an unknown
// statistic, and for ENet's of an inactive peer.
func (p *Peer) Statistic(s PeerStatistic) uint64 {
	if s < 0 || s >= PeerStatisticCount {
		return 0
	}
	return p.Statistics()[s]
}

// Statistics returns every statistic of the peer read at one instant.
// ENet's are zero for an inactive peer; the traffic counters keep their
// final values.
func (p *Peer) Statistics() PeerStats {
	defer p.h.mu.Unlock()
	var s PeerStats
	if p.lock() {
		peerStats(p.h.c, p.slot, &s)
	}
	s[PeerPacketsSent], s[PeerBytesSent] = p.traffic.PacketsSent, p.traffic.BytesSent
	s[PeerPacketsReceived], s[PeerBytesReceived] = p.traffic.PacketsReceived, p.traffic.BytesReceived
	return s
}

// Send queues data on channel with flags (Godot send). The bytes are copied;
// data may be reused when Send returns. The packet goes out at the next
// service of the host, which Send wakes if a goroutine is waiting in
// Host.Service, or at Flush.
//
// A packet of up to 4 KiB is queued in Go and handed to ENet by the host's
// next C call (the next drain of Service, Flush, Broadcast, or a call on a
// peer), all such packets in one call; larger ones are handed over at once.
// ENet only queues a sent packet until the next service either way, so the
// order of packets and calls is kept and nothing else is observable, except
// that a packet ENet cannot allocate then is counted in HostSendFailures
// instead of failing Send.
//
// Errors: ErrInvalidParameter for flags other than FlagReliable,
// FlagUnsequenced and FlagUnreliableFragment or a channel outside
// 0..Channels()-1; ErrUnconfigured for an inactive peer; ErrFailed when
// ENet refuses the packet (the peer is not yet or no longer connected, or
// the packet exceeds 32 MiB).
func (p *Peer) Send(channel int, data []byte, flags PacketFlags) error {
	const op = "send"
	if flags&^allowedFlags != 0 {
		return opError(op, ErrInvalidParameter, "flags %#x outside FLAG_RELIABLE|FLAG_UNSEQUENCED|FLAG_UNRELIABLE_FRAGMENT", uint32(flags))
	}
	if !p.lock() {
		p.h.mu.Unlock()
		return p.inactive(op)
	}
	n, st := peerSendState(p.h.c, p.slot)
	if channel < 0 || channel >= n {
		p.h.mu.Unlock()
		return opError(op, ErrInvalidParameter, "channel %d outside 0..%d", channel, n-1)
	}
	if st != StateConnected {
		p.h.mu.Unlock()
		return opError(op, ErrFailed, "peer is %v, not STATE_CONNECTED", st)
	}
	if len(data) > p.h.maxPacket {
		p.h.mu.Unlock()
		return opError(op, ErrFailed, "packet of %d bytes exceeds the host's maximum %d", len(data), p.h.maxPacket)
	}
	ok := p.h.queueSend(p.slot, channel, data, flags)
	if ok {
		p.traffic.PacketsSent++
		p.traffic.BytesSent += uint64(len(data))
	}
	p.h.mu.Unlock()
	if !ok {
		return opError(op, ErrFailed, "ENet refused the packet")
	}
	p.h.wakeService()
	return nil
}

// maxPacketSize is ENet's default host->maximumPacketSize.
const maxPacketSize = DefaultMaxPacketSize

// PutPacket sends data reliably on channel 0; an empty data is a no-op, as
// in Godot's PacketPeer.put_packet.
func (p *Peer) PutPacket(data []byte) error {
	if len(data) == 0 {
		p.h.mu.Lock()
		ok := p.active
		p.h.mu.Unlock()
		if !ok {
			return p.inactive("put packet")
		}
		return nil
	}
	return p.Send(0, data, FlagReliable)
}

// Packet removes and returns the next received packet (Godot get_packet).
// It returns ErrUnconfigured for an inactive peer, even if packets are
// still queued, and ErrUnavailable when the queue is empty.
func (p *Peer) Packet() ([]byte, error) {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	if !p.active || p.h.c == nil {
		return nil, p.inactive("packet")
	}
	if p.queue.len() == 0 {
		return nil, opError("packet", ErrUnavailable, "no packet queued")
	}
	return p.queue.pop().data, nil
}

// AvailablePacketCount returns the number of queued received packets, also
// for an inactive peer (Godot get_available_packet_count).
func (p *Peer) AvailablePacketCount() int {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	return p.queue.len()
}

// PacketFlags returns the ENet flags of the next queued packet, or 0 when
// the queue is empty (Godot get_packet_flags). Received packets carry
// FlagReliable, FlagUnsequenced, FlagUnreliableFragment or 0 (unreliable
// sequenced), as upstream ENet sets them.
func (p *Peer) PacketFlags() PacketFlags {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	if p.queue.len() == 0 {
		return 0
	}
	return p.queue.items[p.queue.head].flags
}

// Disconnect asks the remote side to disconnect, sending data with the
// request (Godot peer_disconnect). The peer stays active until
// Host.Service returns its EventDisconnect. A peer that was not yet
// connected is reset at once, without an event.
func (p *Peer) Disconnect(data uint32) error {
	return p.control("disconnect", func() { peerDisconnect(p.h.c, p.slot, data) })
}

// DisconnectLater disconnects after all queued outgoing packets are sent
// (Godot peer_disconnect_later). An EventDisconnect follows.
func (p *Peer) DisconnectLater(data uint32) error {
	return p.control("disconnect later", func() { peerDisconnectLater(p.h.c, p.slot, data) })
}

// DisconnectNow disconnects at once, telling the remote side without
// waiting for it (Godot peer_disconnect_now). The peer becomes inactive;
// no EventDisconnect follows.
func (p *Peer) DisconnectNow(data uint32) error {
	return p.control("disconnect now", func() { peerDisconnectNow(p.h.c, p.slot, data) })
}

// Reset drops the connection without telling the remote side, which will
// time out (Godot reset). The peer becomes inactive; no event follows.
func (p *Peer) Reset() error {
	return p.control("reset", func() { peerReset(p.h.c, p.slot) })
}

// Ping sends a ping at once (Godot ping); ENet pings connected peers by
// itself every ping interval.
func (p *Peer) Ping() error {
	return p.control("ping", func() { peerPing(p.h.c, p.slot) })
}

// PingInterval sets how often ENet pings the peer; 0 restores ENet's
// default of 500 ms (Godot ping_interval). Pings keep the connection alive
// and the throttle responsive.
func (p *Peer) PingInterval(d time.Duration) error {
	ms, err := durationMillis("ping interval", "interval", d)
	if err != nil {
		return err
	}
	return p.control("ping interval", func() { peerPingInterval(p.h.c, p.slot, ms) })
}

// SetTimeout sets when an unacknowledged reliable packet drops the
// connection (Godot set_timeout): limit is ENet's timeout factor on the
// round-trip time (default 32), min the time after which a peer that keeps
// failing is dropped (default 5 s), and max the time after which any
// unacknowledged packet drops it (default 30 s). Zero values restore the
// defaults. As in Godot, limit greater than min in milliseconds, or min
// greater than max, is rejected with ErrInvalidParameter.
func (p *Peer) SetTimeout(limit int, min, max time.Duration) error {
	const op = "set timeout"
	minMS, err := durationMillis(op, "min", min)
	if err != nil {
		return err
	}
	maxMS, err := durationMillis(op, "max", max)
	if err != nil {
		return err
	}
	if limit < 0 || int64(limit) > int64(minMS) || minMS > maxMS {
		return opError(op, ErrInvalidParameter, "need 0 <= limit <= min <= max (limit %d, min %v, max %v)", limit, min, max)
	}
	return p.control(op, func() { peerTimeout(p.h.c, p.slot, uint32(limit), minMS, maxMS) })
}

// ThrottleConfigure sets how ENet's throttle of unreliable packets adapts
// (Godot throttle_configure): it measures round trips over interval and
// raises the throttle by acceleration or lowers it by deceleration, both in
// units of PacketThrottleScale.
func (p *Peer) ThrottleConfigure(interval time.Duration, acceleration, deceleration int) error {
	const op = "throttle configure"
	ms, err := durationMillis(op, "interval", interval)
	if err != nil {
		return err
	}
	if acceleration < 0 || deceleration < 0 || int64(acceleration) > 1<<31 || int64(deceleration) > 1<<31 {
		return opError(op, ErrInvalidParameter, "acceleration %d and deceleration %d must not be negative", acceleration, deceleration)
	}
	return p.control(op, func() {
		peerThrottleConfigure(p.h.c, p.slot, ms, uint32(acceleration), uint32(deceleration))
	})
}

func durationMillis(op, name string, d time.Duration) (uint32, error) {
	ms := d.Milliseconds()
	if d < 0 || ms > 1<<31 {
		return 0, opError(op, ErrInvalidParameter, "%s %v outside 0..%v", name, d, time.Duration(1<<31)*time.Millisecond)
	}
	return uint32(ms), nil
}

// control runs an ENet call on an active peer, then retires the peer if
// the call reset it (a disconnect of a peer that never connected, Reset,
// DisconnectNow).
func (p *Peer) control(op string, call func()) error {
	h := p.h
	if !p.lock() {
		h.mu.Unlock()
		return p.inactive(op)
	}
	h.flushSends() // ENet sees the peer's packets before the call, as Send queued them
	call()
	retired := peerState(h.c, p.slot) == StateDisconnected
	if retired {
		h.retire(p)
	}
	h.mu.Unlock()
	h.wakeService()
	return nil
}

// String describes the peer for logs, such as "peer 3 127.0.0.1:5000".
func (p *Peer) String() string {
	p.h.mu.Lock()
	addr := p.addr
	p.h.mu.Unlock()
	return fmt.Sprintf("peer %d %v", p.slot, addr)
}
