package enettest

import (
	"errors"
	"net"
	"net/netip"
	"sync"
)

// Relay is a plain UDP relay for one client: datagrams the client sends to
// Addr go to the target from the relay's own upstream socket, and replies
// go back. It records the first datagrams of each direction, and Inject
// sends arbitrary bytes to the target from the upstream socket, so the
// target takes them for datagrams of the relayed (connected) client and
// parses them deeply instead of dropping them for a wrong source address.
type Relay struct {
	down, up *net.UDPConn
	target   netip.AddrPort

	mu       sync.Mutex
	client   netip.AddrPort
	captured [2][][]byte // [0] client to target, [1] target to client
	limit    int
	wg       sync.WaitGroup
}

// Captured directions.
const (
	ToTarget = 0
	ToClient = 1
)

// NewRelay starts a relay to target on 127.0.0.1 that keeps up to capture
// datagrams of each direction.
func NewRelay(target netip.AddrPort, capture int) (*Relay, error) {
	down, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	up, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		down.Close()
		return nil, err
	}
	r := &Relay{down: down, up: up, target: target, limit: capture}
	r.wg.Add(2)
	go r.fromClient()
	go r.fromTarget()
	return r, nil
}

// Addr is the address the client should connect to.
func (r *Relay) Addr() netip.AddrPort { return r.down.LocalAddr().(*net.UDPAddr).AddrPort() }

// UpstreamAddr is the address the target sees the client at.
func (r *Relay) UpstreamAddr() netip.AddrPort { return r.up.LocalAddr().(*net.UDPAddr).AddrPort() }

func (r *Relay) record(dir int, b []byte) {
	r.mu.Lock()
	if len(r.captured[dir]) < r.limit {
		r.captured[dir] = append(r.captured[dir], append([]byte(nil), b...))
	}
	r.mu.Unlock()
}

func (r *Relay) fromClient() {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, from, err := r.down.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		r.mu.Lock()
		r.client = from
		r.mu.Unlock()
		r.record(ToTarget, buf[:n])
		r.up.WriteToUDPAddrPort(buf[:n], r.target)
	}
}

func (r *Relay) fromTarget() {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, _, err := r.up.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		r.record(ToClient, buf[:n])
		r.mu.Lock()
		client := r.client
		r.mu.Unlock()
		if client.IsValid() {
			r.down.WriteToUDPAddrPort(buf[:n], client)
		}
	}
}

// Captured returns copies of the datagrams recorded in direction dir
// (ToTarget or ToClient).
func (r *Relay) Captured(dir int) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([][]byte, len(r.captured[dir]))
	for i, b := range r.captured[dir] {
		out[i] = append([]byte(nil), b...)
	}
	return out
}

// Inject sends b to the target from the upstream socket, as if the relayed
// client had sent it.
func (r *Relay) Inject(b []byte) error {
	_, err := r.up.WriteToUDPAddrPort(b, r.target)
	return err
}

// Close stops the relay and waits for its goroutines.
func (r *Relay) Close() error {
	err := errors.Join(r.down.Close(), r.up.Close())
	r.wg.Wait()
	return err
}
