package enet

import (
	"errors"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Service sends queued packets, receives datagrams and returns the next
// event, waiting up to timeout for one (Godot service). It returns an
// EventNone event when the timeout passes with nothing to report.
//
// An EventReceive packet is queued on its peer, as Godot does: read it with
// Peer.Packet. Use ServiceInto to take packets straight from the event
// instead.
//
// While it waits, Service holds no lock and parks no thread in C: it waits
// for the socket through Go's netpoller, and a Send from another goroutine
// wakes it so the packet goes out at once. Only one Service, ServiceInto or
// CheckEvents runs at a time on a host; others wait their turn. After
// Destroy it returns ErrUnconfigured.
func (h *Host) Service(timeout time.Duration) (Event, error) {
	return h.service("service", timeout, true, true, nil)
}

// ServiceInto is Service for servers that do not want packet queues: an
// EventReceive packet is not queued on its peer but appended to buf[:0] and
// returned in Event.Packet. With a buf of enough capacity it does not
// allocate; the returned Packet aliases buf until the next call.
func (h *Host) ServiceInto(timeout time.Duration, buf []byte) (Event, error) {
	return h.service("service", timeout, true, false, buf)
}

// CheckEvents returns an event ENet has already received, without any
// socket I/O or waiting, or an EventNone event (ENet
// enet_host_check_events). Packets are queued as by Service.
func (h *Host) CheckEvents() (Event, error) {
	return h.service("check events", 0, false, true, nil)
}

func (h *Host) service(op string, timeout time.Duration, io, queue bool, buf []byte) (Event, error) {
	h.svcMu.Lock()
	defer h.svcMu.Unlock()
	var deadline time.Time // set before the first wait: a ready event never reads the clock
	for {
		h.mu.Lock()
		if h.c == nil {
			h.mu.Unlock()
			return Event{}, h.gone(op)
		}
		ev, ok := h.next(io, queue, buf)
		hint := hostWaitHint(h.c)
		h.mu.Unlock()
		if ok {
			return ev, nil
		}
		if timeout <= 0 || !io {
			return Event{Type: EventNone}, nil
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(timeout)
		}
		if !h.wait(deadline, hint) {
			return Event{Type: EventNone}, nil
		}
	}
}

// next converts the next pending batch event, draining a new batch from C
// when the current one is used up. h.mu is held.
func (h *Host) next(io, queue bool, buf []byte) (Event, bool) {
	for {
		for h.batchI < h.batchN {
			i := h.batchI
			h.batchI++
			if ev, ok := h.convert(hostEvent(h.c, i), h.batchPeers[i], queue, buf); ok {
				return ev, true
			}
		}
		h.batchI = 0
		// This drain sends every packet queued so far, which serves the
		// wake-ups their Sends asked for (a Send sets the flag after
		// unlocking h.mu): clearing it spares the next wait an empty
		// drain after the service goroutine's own Sends.
		h.wake.Store(false)
		h.batchN = hostService(h.c, io)
		if h.batchN == 0 {
			return Event{}, false
		}
		h.resolve()
	}
}

// resolve brings the peer registry up to date with a freshly drained batch,
// in which ENet has already connected, reset and reused slots, and records
// the Peer of each event. Doing it for the whole batch at once keeps every
// *Peer in step with its C slot: a peer whose DISCONNECT is still waiting
// in the batch no longer touches the slot (ENet may have given it to a new
// connection later in the same batch), though it stays active, with its
// packets readable, until that DISCONNECT is returned. h.mu is held.
func (h *Host) resolve() {
	for i := 0; i < h.batchN; i++ {
		e := hostEvent(h.c, i)
		p := h.peers[e.slot]
		switch e.typ {
		case EventConnect:
			if p == nil || p.connected {
				p = h.attach(e.slot) // an incoming connection
			}
			p.connected = true
			p.addr = peerAddress(h.c, e.slot)
		case EventDisconnect:
			if p != nil {
				p.gone = true // ENet has reset the slot
				h.peers[e.slot] = nil
			}
		}
		h.batchPeers[i] = p
	}
}

// convert turns batch event e of peer p into an Event. It reports false for
// events whose peer is gone (nil).
func (h *Host) convert(e rawEvent, p *Peer, queue bool, buf []byte) (Event, bool) {
	if p == nil {
		return Event{}, false
	}
	switch e.typ {
	case EventConnect:
		return Event{Type: EventConnect, Peer: p, Data: e.data}, true
	case EventDisconnect:
		ev := Event{Type: EventDisconnect, Peer: p, Data: e.data}
		if !p.connected {
			ev.Err = h.connectFailure(p)
		}
		p.active = false
		return ev, true
	case EventReceive:
		src := unsafe.Slice((*byte)(e.bytes), e.length)
		p.traffic.PacketsReceived++
		p.traffic.BytesReceived += uint64(e.length)
		ev := Event{Type: EventReceive, Peer: p, Channel: e.channel, Flags: e.flags}
		if queue {
			p.queue.push(queuedPacket{data: append([]byte(nil), src...), flags: e.flags})
		} else {
			ev.Packet = append(buf[:0], src...)
		}
		return ev, true
	}
	return Event{}, false
}

// connectFailure explains why an outgoing connection ended before it
// completed.
func (h *Host) connectFailure(p *Peer) error {
	if h.compression != CompressNone {
		return opError("connect", ErrConnectFailed,
			"no answer from %v while this host compresses with %v: the likely cause is mismatched compression (both ends must use the same mode), or no server is listening",
			p.addr, h.compression)
	}
	return opError("connect", ErrConnectFailed,
		"no answer from %v: no server listening, the server refused or is full, or it uses compression (both ends must use the same mode)", p.addr)
}

// wait blocks until the socket is readable, a Send wakes it, deadline
// passes, or, with hint >= 0, ENet's timers need a service after hint. It
// reports false once deadline has passed.
func (h *Host) wait(deadline time.Time, hint time.Duration) bool {
	now := time.Now()
	if !now.Before(deadline) {
		return false
	}
	until := deadline
	if hint >= 0 && now.Add(hint).Before(deadline) {
		until = now.Add(hint)
	}
	h.waiting.Store(true)
	defer h.waiting.Store(false)
	if err := h.file.SetReadDeadline(until); err != nil {
		return false // closed by Destroy
	}
	if h.wake.Swap(false) {
		return true
	}
	err := h.rc.Read(socketReadable)
	h.wake.Store(false)
	if err != nil && !errors.Is(err, syscall.EAGAIN) {
		// Deadline passed, interrupted by a wake-up, or closed: serve once
		// more; the loop ends on the deadline or a destroyed host.
		return time.Now().Before(deadline) || h.destroyed()
	}
	return true
}

// wakeService makes a Service waiting in another goroutine serve at once,
// so packets queued by Send go out without waiting for its timeout.
func (h *Host) wakeService() {
	h.wake.Store(true)
	if h.waiting.Load() {
		h.file.SetReadDeadline(time.Unix(1, 0))
	}
}

// socketReadable peeks at the socket without consuming: true when a
// datagram (or an error) is waiting, false to wait in the netpoller.
func socketReadable(fd uintptr) bool {
	var b [1]byte
	_, _, errno := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1,
		syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
	return errno != syscall.EAGAIN && errno != syscall.EINTR
}

func dupCloexec(fd int) (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) }
