package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/enetgo/enet"
)

// setup applies --compress and the DTLS options to a new host, destroying it on failure.
func (s *session) setup(h *enet.Host) error {
	if err := h.Compress(s.o.compress); err != nil {
		h.Destroy()
		return fmt.Errorf("set compression %s: %w", s.o.compName, err)
	}
	if err := s.o.setupDTLS(h); err != nil {
		h.Destroy()
		return fmt.Errorf("set up DTLS: %w", err)
	}
	return nil
}

// listen serves raw ENet peers until ctx ends or, with --timeout, the host
// is idle.
func (s *session) listen(ctx context.Context) error {
	o := s.o
	h, err := enet.CreateHostBound(o.addr, o.port, o.hostConfig())
	if err != nil {
		return listenError(o, err)
	}
	if err := s.setup(h); err != nil {
		return err
	}
	defer s.destroy(h)
	s.stats.use(h)
	s.logf("listening on %v; %s", h.LocalAddr(), o.guardLine())

	buf := make([]byte, 0, 64<<10)
	for {
		ev, done, err := s.step(ctx, h, buf)
		if done {
			return err
		}
		if ev.Type == enet.EventReceive && o.echo {
			if err := ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags); err != nil {
				s.logf("echo to %v: %v", ev.Peer, err)
			}
		}
		s.drainLines(func(line []byte) {
			if err := h.Broadcast(o.channel, line, o.flags); err != nil {
				s.logf("send: %v", err)
			}
		}, nil)
		s.stats.tick()
		if s.idle() {
			s.logf("idle for %v, exiting", o.timeout)
			s.disconnectAll(h)
			return nil
		}
	}
}

// destroy keeps h's counters for the final summary and destroys h.
func (s *session) destroy(h *enet.Host) {
	s.stats.keep(h)
	h.Destroy()
}

// step services h once and reports the event, or done (with the error to
// return, nil on a clean shutdown) when ctx has ended or serving failed.
func (s *session) step(ctx context.Context, h *enet.Host, buf []byte) (ev enet.Event, done bool, err error) {
	select {
	case <-ctx.Done():
		s.logf("shutting down")
		s.disconnectAll(h)
		return ev, true, nil
	default:
	}
	if ev, err = h.ServiceInto(pollInterval, buf); err != nil {
		return ev, true, fmt.Errorf("service: %w", err)
	}
	s.handle(ev)
	return ev, false, nil
}

func listenError(o *options, err error) error {
	where := net.JoinHostPort(o.addr, strconv.Itoa(o.port))
	if errors.Is(err, enet.ErrCantCreate) {
		return fmt.Errorf("cannot listen on %s: the port is in use or the address is not local (%w)", where, err)
	}
	return fmt.Errorf("cannot listen on %s: %w", where, err)
}

// handle reports a raw ENet event.
func (s *session) handle(ev enet.Event) {
	switch ev.Type {
	case enet.EventConnect:
		e := s.book.add(ev.Peer, 0)
		s.lastTraffic = time.Now()
		s.logf("peer %d %s connected (data %d)", e.num, e.addr, ev.Data)
		r := e.rec("connect")
		r.Data = ptr(ev.Data)
		s.out.record(r)
	case enet.EventDisconnect:
		e := s.book.peer(ev.Peer)
		s.logf("peer %d %s disconnected (data %d)", e.num, e.addr, ev.Data)
		r := e.rec("disconnect")
		r.Data = ptr(ev.Data)
		s.out.record(r)
	case enet.EventReceive:
		e := s.book.peer(ev.Peer)
		s.lastTraffic = time.Now()
		r := e.rec("receive")
		r.Channel = ptr(ev.Channel)
		r.Flags = flagsName(ev.Flags)
		s.out.packet(r, ev.Packet)
	}
}

// drainLines passes every stdin line already read to send, without
// waiting. At stdin's end it calls eof once (if not nil) and stops reading.
func (s *session) drainLines(send func([]byte), eof func()) {
	for s.lines != nil {
		select {
		case line, ok := <-s.lines:
			if !ok {
				s.lines = nil
				if eof != nil {
					eof()
				}
				return
			}
			s.lastTraffic = time.Now()
			send(line)
		default:
			return
		}
	}
}

// disconnectAll asks every peer to disconnect and services h until all
// have, or graceTimeout passes.
func (s *session) disconnectAll(h *enet.Host) {
	for _, p := range h.Peers() {
		p.Disconnect(0)
	}
	deadline := time.Now().Add(graceTimeout)
	for len(h.Peers()) > 0 && time.Now().Before(deadline) {
		ev, err := h.ServiceInto(pollInterval, nil)
		if err != nil {
			return
		}
		s.handle(ev)
	}
}

// connect talks to one raw ENet server.
func (s *session) connect(ctx context.Context) error {
	o := s.o
	h, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1, MaxChannels: o.channels})
	if err != nil {
		return fmt.Errorf("create host: %w", err)
	}
	if err := s.setup(h); err != nil {
		return err
	}
	defer s.destroy(h)
	s.stats.use(h)
	host, err := o.connectHost(ctx)
	if err != nil {
		return err
	}
	peer, err := h.ConnectToHost(host, o.rport, o.channels, o.data)
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %w", o.target(), err)
	}
	if err := s.awaitConnect(ctx, h); err != nil {
		return err
	}

	buf := make([]byte, 0, 64<<10)
	var eofAt time.Time // when stdin ended and DisconnectLater was called
	for {
		ev, done, err := s.step(ctx, h, buf)
		if done {
			return err
		}
		if ev.Type == enet.EventDisconnect {
			return nil
		}
		s.drainLines(func(line []byte) {
			if err := peer.Send(o.channel, line, o.flags); err != nil {
				s.logf("send: %v", err)
			}
		}, func() {
			eofAt = time.Now()
			if err := peer.DisconnectLater(0); err != nil {
				s.logf("disconnect: %v", err)
			}
		})
		s.stats.tick()
		if !eofAt.IsZero() && time.Since(eofAt) > graceTimeout {
			s.logf("no disconnection acknowledgement from %s within %v", o.target(), graceTimeout)
			return nil
		}
		if s.idle() && eofAt.IsZero() {
			s.logf("idle for %v, disconnecting", o.timeout)
			s.disconnectAll(h)
			return nil
		}
	}
}

// awaitConnect services h until the connection is up, it fails, the connect
// timeout passes or ctx ends.
func (s *session) awaitConnect(ctx context.Context, h *enet.Host) error {
	o := s.o
	deadline := time.Now().Add(o.connectTimeout())
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while connecting to %s", o.target())
		}
		ev, err := h.Service(pollInterval)
		if err != nil {
			return fmt.Errorf("service: %w", err)
		}
		switch ev.Type {
		case enet.EventConnect:
			s.handle(ev)
			return nil
		case enet.EventDisconnect:
			return unreachable(o, ev.Err)
		}
	}
	if st := h.DTLSStats(); st.Failures > 0 { // the handshake failed: say why
		return fmt.Errorf("cannot connect to %s: DTLS handshake failed: %s", o.target(), st.LastError)
	}
	return unreachable(o, nil)
}

// unreachable explains a failed connection attempt.
func unreachable(o *options, cause error) error {
	msg := fmt.Sprintf("cannot connect to %s: no answer within %v", o.target(), o.connectTimeout())
	if cause != nil {
		msg = fmt.Sprintf("cannot connect to %s: %v", o.target(), cause)
	}
	return fmt.Errorf("%s (is a server listening there, and does it use the same compression? this side uses --compress %s)",
		msg, o.compName)
}
