package enet

import (
	"runtime"
	"time"
	"unsafe"
)

// Service sends queued packets, receives datagrams and returns the next
// event, waiting up to timeout for one (Godot service). It returns an
// EventNone event when the timeout passes with nothing to report.
//
// An EventReceive packet is queued on its peer, as Godot does: read it with
// Peer.Packet. Use ServiceInto to take packets straight from the event
// instead.
//
// While it waits, Service holds no lock: it sleeps in C, in poll(2) on
// the host's socket, as a C ENet program sleeps in enet_host_service, so
// the waiting goroutine holds its OS thread. A Send from another goroutine
// wakes it so the packet goes out at once, and Destroy wakes it to return.
// Only one Service, ServiceInto or CheckEvents drains or waits at a time
// on a host; others wait their turn, or take an event the running one has
// already drained (each event goes to exactly one caller). After Destroy it
// returns ErrUnconfigured.
func (h *Host) Service(timeout time.Duration) (Event, error) {
	return h.service1("service", timeout, true, true, nil)
}

// ServiceInto is Service for servers that do not want packet queues: an
// EventReceive packet is not queued on its peer but appended to buf[:0] and
// returned in Event.Packet. With a buf of enough capacity it does not
// allocate; the returned Packet aliases buf until the next call.
func (h *Host) ServiceInto(timeout time.Duration, buf []byte) (Event, error) {
	return h.service1("service", timeout, true, false, buf)
}

// CheckEvents returns an event ENet has already received, without any
// socket I/O or waiting, or an EventNone event (ENet
// enet_host_check_events). Packets are queued as by Service.
func (h *Host) CheckEvents() (Event, error) {
	return h.service1("check events", 0, false, true, nil)
}

// ServiceBatch is ServiceInto for a whole batch: it waits up to timeout
// like Service, then fills events with the events ENet has ready, up to
// len(events), and returns how many it filled (0 when the timeout passed
// with nothing to report). Received packets are copied back to back into
// buf; each Event.Packet aliases buf (capped at its own length) until the
// next call. A packet that no longer fits in buf's capacity is left for
// the next call; only one that does not fit in an empty buf is allocated.
// A server loop that answers every event of the batch before calling
// again pays one lock and one check per batch instead of one per event.
// It returns ErrInvalidParameter for an empty events.
func (h *Host) ServiceBatch(timeout time.Duration, events []Event, buf []byte) (int, error) {
	if len(events) == 0 {
		return 0, opError("service batch", ErrInvalidParameter, "events has no room")
	}
	return h.service("service batch", timeout, true, false, buf, events)
}

// service is Service, ServiceInto, CheckEvents and ServiceBatch: it fills
// evs (at least one) and returns how many it filled.
func (h *Host) service(op string, timeout time.Duration, io, queue bool, buf []byte, evs []Event) (int, error) {
	// Events of the batch already drained need only h.mu: no drain, no
	// wait, so no svcMu.
	h.mu.Lock()
	if h.batchI < len(h.batch) && h.c != nil && !h.closing.Load() {
		if n := h.takeBatched(queue, buf, evs); n > 0 {
			h.mu.Unlock()
			return n, nil
		}
	}
	h.mu.Unlock()
	h.svcMu.Lock()
	defer h.svcMu.Unlock()
	var deadline time.Time // set before the first wait: a ready event never reads the clock
	for {
		h.mu.Lock()
		if h.c == nil || h.closing.Load() {
			h.mu.Unlock()
			return 0, h.gone(op)
		}
		if n := h.next(io, queue, buf, evs); n > 0 {
			h.mu.Unlock()
			h.yield()
			return n, nil
		}
		hint := hostWaitHint(h.c)
		pending := io && hostRxPending(h.c)
		h.mu.Unlock()
		h.yield()
		if pending {
			// ENet stopped reading (256 datagrams, or a connect) with
			// datagrams of the last read batch left: they are no
			// longer in the socket to wake a wait, so serve them now.
			continue
		}
		if timeout <= 0 || !io {
			return 0, nil
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(timeout)
		}
		if !h.wait(deadline, hint) {
			return 0, nil
		}
	}
}

// service1 is service for one event.
func (h *Host) service1(op string, timeout time.Duration, io, queue bool, buf []byte) (Event, error) {
	var evs [1]Event
	n, err := h.service(op, timeout, io, queue, buf, evs[:])
	if n == 0 {
		return Event{Type: EventNone}, err
	}
	return evs[0], err
}

// yieldEvery is how often a Service that drains batches passes through
// the scheduler.
const yieldEvery = 5 * time.Millisecond

// yield calls runtime.Gosched if a drain found it due. A goroutine that
// only runs cgo calls and sleeps in C never passes through the scheduler,
// so after 10 ms sysmon takes it for a CPU hog: it preempts it at every
// tick and takes its P away during every C call, waking another thread
// each time. Yielding every few milliseconds shows sysmon it is not
// (BENCHMARKS.md). svcMu is held, h.mu is not.
func (h *Host) yield() {
	if h.yieldDue {
		h.yieldDue = false
		runtime.Gosched()
	}
}

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

// wait sleeps until the socket is readable, a Send or Destroy wakes it,
// deadline passes, or, with hint >= 0, ENet's timers need a service after
// hint. It reports false, without sleeping, once deadline has passed.
//
// It sleeps in C, in poll(2) on the socket and the host's eventfd, as a C
// ENet program sleeps in enet_host_service, with busy polling first when
// HostConfig.BusyPoll asks for it. Parking the goroutine in Go's netpoller
// instead idles every P when the host is the process's only work, and the
// next system call then wakes the runtime's sysmon thread, which ticks
// every 20 µs for a millisecond before it backs off again (DESIGN.md, "The
// wait"). A goroutine asleep in C keeps its P; sysmon hands it to runnable
// goroutines after a tick.
func (h *Host) wait(deadline time.Time, hint time.Duration) bool {
	d := time.Until(deadline)
	if d <= 0 {
		return false
	}
	if hint >= 0 && hint < d {
		d = hint
	}
	h.waiting.Store(true)
	// Dekker with wakeService: either this sees its wake flag, or it sees
	// waiting and writes the eventfd, which persists until the wait reads
	// it.
	if !h.wake.Swap(false) && !h.closing.Load() {
		waitFDs(h.sockFD, h.wakeFD, d, h.busyPoll)
	}
	h.waiting.Store(false)
	h.wake.Store(false)
	return true
}

// wakeService makes a Service waiting in another goroutine serve at once,
// so packets queued by Send go out without waiting for its timeout. At
// most one wake-up per wait; the eventfd is written under h.mu, so never
// after Destroy closed it.
func (h *Host) wakeService() {
	// Plain loads first: a Send on the service goroutine itself, the
	// common case, then costs no locked instruction.
	if !h.wake.Load() {
		h.wake.Store(true)
	}
	if h.waiting.Load() && h.waiting.CompareAndSwap(true, false) {
		h.mu.Lock()
		if h.c != nil {
			hostWake(h.c)
		}
		h.mu.Unlock()
	}
}
