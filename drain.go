package enet

// Draining a batch of events from C and handing its events out.

import (
	"time"
	"unsafe"
)

// next converts pending batch events into evs, draining a new batch from
// C when the current one is used up; it returns 0 when C had nothing.
// h.mu is held.
func (h *Host) next(io, queue bool, buf []byte, evs []Event) int {
	for {
		if n := h.takeBatched(queue, buf, evs); n > 0 {
			return n
		}
		h.batchI = 0
		// This drain sends every packet queued so far, which serves the
		// wake-ups their Sends asked for (a Send sets the flag after
		// unlocking h.mu): clearing it spares the next wait an empty
		// drain after the service goroutine's own Sends.
		if h.wake.Load() {
			h.wake.Store(false)
		}
		// The clock every 8th drain: a batch takes at most a few
		// hundred microseconds, so the yield is still due in time.
		if h.drains++; h.drains%8 == 0 {
			if now := time.Now(); now.Sub(h.lastYield) > yieldEvery {
				h.lastYield = now
				h.yieldDue = true // Service yields once it has released h.mu
			}
		}
		if h.sendAndService(io) == 0 {
			h.batch = nil
			return 0
		}
		h.batch = hostEvents(h.c)
		h.resolved = false
		if hostBatchControl(h.c) {
			h.resolve()
		}
	}
}

// takeBatched converts events of the current batch into evs until either
// is used up and returns how many it filled. Without queue, received
// packets are copied back to back into buf, each capped at its length
// when evs has room for more than one (ServiceInto's packet keeps buf's
// capacity, as append gives it); a packet that does not fit in what is
// left of buf ends the fill, unless it is the first, which is then
// allocated. h.mu is held.
func (h *Host) takeBatched(queue bool, buf []byte, evs []Event) int {
	n, off := 0, 0
	for n < len(evs) && h.batchI < len(h.batch) {
		i := h.batchI
		e := &h.batch[i]
		if !queue && n > 0 && off+int(e.length) > cap(buf) { // only a packet has a length
			break
		}
		h.batchI++
		var p *Peer
		if h.resolved {
			p = h.batchPeers[i]
		} else {
			p = h.peers[e.slot]
		}
		if p == nil || !h.convert(e, p, queue, buf[off:off], &evs[n]) {
			continue
		}
		if k := len(evs[n].Packet); !queue && len(evs) > 1 {
			evs[n].Packet = evs[n].Packet[:k:k]
			off = min(off+k, cap(buf)) // an allocated first packet leaves no room
		}
		n++
	}
	return n
}

// resolve brings the peer registry up to date with a freshly drained batch
// that has CONNECT or DISCONNECT events, in which ENet has already
// connected, reset and reused slots, and records the Peer of each event.
// Doing it for the whole batch at once keeps every *Peer in step with its C
// slot: a peer whose DISCONNECT is still waiting in the batch no longer
// touches the slot (ENet may have given it to a new connection later in the
// same batch), though it stays active, with its packets readable, until
// that DISCONNECT is returned. A batch of received packets only changes no
// slot, so next looks their peers up as it goes. h.mu is held.
func (h *Host) resolve() {
	h.resolved = true
	for i := range h.batch {
		e := &h.batch[i]
		p := h.peers[e.slot]
		switch EventType(e.typ) {
		case EventConnect:
			if p == nil || p.connected {
				p = h.attach(int(e.slot)) // an incoming connection
			}
			p.connected = true
			p.addr = peerAddress(h.c, int(e.slot))
		case EventDisconnect:
			if p != nil {
				p.gone = true // ENet has reset the slot
				h.peers[e.slot] = nil
			}
		}
		h.batchPeers[i] = p
	}
}

// resolveRest records the Peer of each event still pending in a batch
// that next resolves as it goes, before the registry changes under it (a
// peer retired or a slot given to a new connection). h.mu is held.
func (h *Host) resolveRest() {
	if h.resolved {
		return
	}
	h.resolved = true
	for i := h.batchI; i < len(h.batch); i++ {
		h.batchPeers[i] = h.peers[h.batch[i].slot]
	}
}

// convert turns batch event e of peer p into *ev. It reports false for
// events it drops.
func (h *Host) convert(e *rawEvent, p *Peer, queue bool, buf []byte, ev *Event) bool {
	switch EventType(e.typ) {
	case EventReceive:
		src := unsafe.Slice((*byte)(e.bytes), e.length)
		p.traffic.PacketsReceived++
		p.traffic.BytesReceived += uint64(e.length)
		*ev = Event{Type: EventReceive, Peer: p, Channel: int(e.channel), Flags: PacketFlags(e.flags)}
		if queue {
			p.queue.push(queuedPacket{data: append([]byte(nil), src...), flags: PacketFlags(e.flags)})
		} else {
			ev.Packet = append(buf[:0], src...)
		}
		return true
	case EventConnect:
		*ev = Event{Type: EventConnect, Peer: p, Data: e.data}
		return true
	case EventDisconnect:
		*ev = Event{Type: EventDisconnect, Peer: p, Data: e.data}
		if !p.connected {
			ev.Err = h.connectFailure(p)
		}
		p.active = false
		return true
	}
	return false
}

// connectFailure explains why an outgoing connection ended before it
// completed.
func (h *Host) connectFailure(p *Peer) error {
	if why := h.dtlsFailure(); why != "" { // dtls.go
		return opError("connect", ErrConnectFailed, "DTLS with %v: %s", p.addr, why)
	}
	if h.compression != CompressNone {
		return opError("connect", ErrConnectFailed,
			"no answer from %v while this host compresses with %v: the likely cause is mismatched compression (both ends must use the same mode), or no server is listening",
			p.addr, h.compression)
	}
	return opError("connect", ErrConnectFailed,
		"no answer from %v: no server listening, the server refused or is full, or it uses compression (both ends must use the same mode)", p.addr)
}
