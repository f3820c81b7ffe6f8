package enet

// Deferred sends. Peer.Send does not call C: it checks everything ENet's
// enet_peer_send would refuse (peer state, channel, size) and appends the
// packet to the host's pending list and arena; the next C call on the host
// hands the whole list to ENet in one crossing, in order. The next drain
// does it as part of its own call, so a service loop that answers a batch
// of events pays one crossing for the batch instead of one per packet.
//
// Nothing observable changes: ENet itself only queues a sent packet until
// the next service or flush puts it on the wire, and every call that could
// see or change the peer's queues (Service, Flush, Broadcast, disconnects,
// Reset, pings, timeouts, throttle, bandwidth) hands the pending packets
// over first. Between the check and the hand-over no C code runs on the
// host, so ENet cannot refuse a checked packet except when out of memory;
// such packets are counted in HostSendFailures.

const (
	// deferMax is the largest packet Send defers; larger ones are
	// handed to ENet at once (after the pending ones), saving the copy
	// into the arena, which would cost more than the crossing.
	deferMax = 4096
	// arenaFlush hands the pending packets over once their bytes reach
	// it, so a loop that sends without servicing holds little in Go.
	arenaFlush = 64 << 10
	// arenaKeep is the largest arena kept for reuse after a hand-over.
	arenaKeep = 256 << 10
)

// queueSend sends or defers a checked packet and reports whether ENet took
// it (a deferred packet counts as taken). h.mu is held.
func (h *Host) queueSend(slot, channel int, data []byte, flags PacketFlags) bool {
	if len(data) > deferMax {
		h.flushSends()
		return hostSend(h.c, slot, channel, data, flags)
	}
	h.pend = append(h.pend, pendingSend{
		slot: uint32(slot), channel: uint32(channel), flags: uint32(flags),
		length: uint32(len(data)), offset: uint64(len(h.arena)),
	})
	h.arena = append(h.arena, data...)
	if len(h.arena) >= arenaFlush {
		h.flushSends()
	}
	return true
}

// flushSends hands the pending packets to ENet. h.mu is held, h.c is set.
func (h *Host) flushSends() {
	if len(h.pend) == 0 {
		return
	}
	hostSendBatch(h.c, h.pend, h.arena)
	h.dropSends()
}

// sendAndService hands the pending packets (if any) to ENet and drains the
// next batch in one C call. h.mu is held.
func (h *Host) sendAndService(io bool) int {
	n := hostSendService(h.c, h.pend, h.arena, io)
	h.dropSends()
	return n
}

// dropSends empties the pending list, keeping its memory unless large.
func (h *Host) dropSends() {
	h.pend = h.pend[:0]
	h.arena = h.arena[:0]
	if cap(h.arena) > arenaKeep {
		h.arena, h.pend = nil, nil
	}
}
