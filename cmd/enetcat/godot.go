package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/multiplayer"
)

// godotListen runs a Godot multiplayer server until ctx ends or, with
// --timeout, it is idle.
func (s *session) godotListen(ctx context.Context) error {
	o := s.o
	dtls, err := o.dtlsServer()
	if err != nil {
		return err
	}
	srv, err := multiplayer.NewServer(o.dialect, o.addr, o.port, multiplayer.ServerConfig{
		MaxClients:  o.maxPeers,
		Channels:    o.channels,
		Compression: o.compress,
		DTLS:        dtls,

		RefuseNewConnections: o.limits.cfg.RefuseNewConnections,
		Limits:               &o.limits.cfg,
	})
	if err != nil {
		return listenError(o, err)
	}
	defer srv.Close()
	s.logf("listening on %s as a %v multiplayer server (id 1); %s",
		net.JoinHostPort(o.addr, strconv.Itoa(srv.Port())), o.dialect, o.guardLine())

	send := func(target int32, data []byte, mode multiplayer.TransferMode, channel int) error {
		return godotSend(srv, o.dialect, target, data, mode, channel)
	}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.logf("shutting down")
			return srv.Close()
		case ev, ok := <-srv.Events():
			if !ok {
				return errors.New("server closed")
			}
			if j, isJoin := ev.(multiplayer.PeerJoined); isJoin {
				s.book.add(srv.Peer(j.ID), j.ID)
			}
			pkt, isPacket := s.godotEvent(ev)
			if isPacket && o.echo {
				// Send back exactly what arrived: in Godot 4 the payload
				// still carries its SceneMultiplayer command byte.
				if err := srv.Send(pkt.From, pkt.Data, pkt.Mode, pkt.Channel); err != nil {
					s.logf("echo to %d: %v", pkt.From, err)
				}
			}
		case line, ok := <-s.lines:
			if !ok {
				s.lines = nil // a server keeps serving after stdin's end
				continue
			}
			s.lastTraffic = time.Now()
			if len(srv.Peers()) == 0 {
				s.logf("no client connected; line dropped")
				continue
			}
			if err := send(0, line, o.transferMode(), o.channel); err != nil {
				s.logf("send: %v", err)
			}
		case <-tick.C:
			s.stats.tick()
			if s.idle() {
				s.logf("idle for %v, exiting", o.timeout)
				return srv.Close()
			}
		}
	}
}

// godotEvent reports a multiplayer event and returns it as a Packet if it is
// one.
func (s *session) godotEvent(ev multiplayer.Event) (multiplayer.Packet, bool) {
	e := s.book.godot(ev.PeerID())
	switch ev := ev.(type) {
	case multiplayer.PeerJoined:
		s.lastTraffic = time.Now()
		s.logf("godot peer %d joined", ev.ID)
		s.out.record(e.rec("connect"))
	case multiplayer.PeerLeft:
		s.logf("godot peer %d left", ev.ID)
		s.out.record(e.rec("disconnect"))
	case multiplayer.Packet:
		s.lastTraffic = time.Now()
		data := ev.Data
		if s.o.dialect == multiplayer.Godot4 {
			if payload, ok := multiplayer.DecodeRaw(s.o.dialect, data); ok {
				data = payload
			}
		}
		r := e.rec("receive")
		r.Channel = ptr(ev.Channel)
		r.ENetChannel = ptr(ev.ENetChannel)
		r.Flags = modeFlagsName(ev.Mode)
		r.Mode = ev.Mode.String()
		s.out.packet(r, data)
		return ev, true
	}
	return multiplayer.Packet{}, false
}

// godotConnect runs a Godot multiplayer client: stdin lines go to the
// server (id 1).
func (s *session) godotConnect(ctx context.Context) error {
	o := s.o
	type dialed struct {
		c   *multiplayer.Client
		err error
	}
	done := make(chan dialed, 1)
	host, err := o.connectHost(ctx)
	if err != nil {
		return err
	}
	dtls, err := o.dtlsClient()
	if err != nil {
		return err
	}
	go func() {
		c, err := multiplayer.Dial(o.dialect, host, o.rport, multiplayer.ClientConfig{
			ID:             int32(o.data),
			Channels:       o.channels,
			Compression:    o.compress,
			ConnectTimeout: o.connectTimeout(),
			CloseTimeout:   graceTimeout,
			DTLS:           dtls,
		})
		done <- dialed{c, err}
	}()
	var c *multiplayer.Client
	select {
	case d := <-done:
		if d.err != nil {
			if errors.Is(d.err, enet.ErrConnectFailed) {
				return unreachable(o, nil)
			}
			return fmt.Errorf("cannot connect to %s: %w", o.target(), d.err)
		}
		c = d.c
	case <-ctx.Done():
		go func() { // Dial gives up within the connect timeout
			if d := <-done; d.c != nil {
				d.c.Close()
			}
		}()
		return fmt.Errorf("interrupted while connecting to %s", o.target())
	}
	defer c.Close()
	s.logf("connected to %s as godot peer %d", o.target(), c.ID())

	send := func(data []byte) error {
		return godotSend(c, o.dialect, 1, data, o.transferMode(), o.channel)
	}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.logf("shutting down")
			return c.Close()
		case ev, ok := <-c.Events():
			if !ok {
				return nil // the server went away
			}
			if j, isJoin := ev.(multiplayer.PeerJoined); isJoin && j.ID == 1 {
				s.book.add(c.Server(), 1)
			}
			s.godotEvent(ev)
		case line, ok := <-s.lines:
			if !ok {
				s.lines = nil
				return c.Close() // sends what is queued, then disconnects
			}
			s.lastTraffic = time.Now()
			if err := send(line); err != nil {
				s.logf("send: %v", err)
			}
		case <-tick.C:
			s.stats.tick()
			if s.idle() {
				s.logf("idle for %v, disconnecting", o.timeout)
				return c.Close()
			}
		}
	}
}

// godotSender is what a multiplayer Server and Client have in common for
// sending.
type godotSender interface {
	Send(target int32, data []byte, mode multiplayer.TransferMode, channel int) error
	SendBytes(target int32, payload []byte, mode multiplayer.TransferMode, channel int) error
}

// godotSend sends a line the way the dialect's scripts read it: a plain
// packet in Godot 3, a RAW (send_bytes) packet in Godot 4. Godot drops
// empty packets, so they are not sent.
func godotSend(x godotSender, d multiplayer.Dialect, target int32, data []byte, mode multiplayer.TransferMode, channel int) error {
	if len(data) == 0 {
		return nil
	}
	if d == multiplayer.Godot4 {
		return x.SendBytes(target, data, mode, channel)
	}
	return x.Send(target, data, mode, channel)
}
