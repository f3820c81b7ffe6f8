package enet

// The service loop: Service and its variants drain events from C (drain.go),
// hand them out, and wait when there are none (wait.go).

import "time"

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
