package enet

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ShardedHost is a server made of several Hosts bound to the same UDP port
// with SO_REUSEPORT, each served by its own goroutine, so a server can use
// more than one core. The kernel picks a socket for each datagram by
// hashing its source and destination address, so every packet of one
// client reaches the same shard for as long as the set of sockets stays
// the same: a connection lives on one shard from its first datagram to its
// last, and its Peer belongs to that shard's Host.
//
// Shards do not share peers: a broadcast must go through every shard (see
// Host), and a client that changes its source port is a new client.
// SO_REUSEPORT is Linux's (and the BSDs') load spreading; where the OS does
// not spread datagrams, one shard gets every client.
type ShardedHost struct {
	hosts   []*Host
	port    int
	handler func(shard int, ev Event)
	peers   []atomic.Int64 // connected peers by shard
	running atomic.Bool
	closed  atomic.Bool

	// ServiceTimeout bounds each Host.Service call of a shard's loop; 0
	// means DefaultShardServiceTimeout. ENet's timers (retransmissions,
	// pings) are served on time whatever it is: Service wakes for them.
	// Set it before Run.
	ServiceTimeout time.Duration
}

// DefaultShardServiceTimeout is the ShardedHost.ServiceTimeout used when it
// is 0.
const DefaultShardServiceTimeout = 100 * time.Millisecond

// shardBufferSize is each shard's receive buffer and shardBatch the events
// its loop takes per ServiceBatch call; a larger packet is allocated.
const (
	shardBufferSize = 64 << 10
	shardBatch      = 64
)

// NewShardedHost creates shards Hosts bound to address and port with
// SO_REUSEPORT (cfg.ReusePort is forced on). With port 0 the first host
// gets a port from the OS and the others bind that port; Port returns it.
// cfg applies to each shard, so the server holds up to shards×MaxPeers
// peers.
//
// handler receives every non-empty event with the index of the shard it
// came from. It runs on that shard's goroutine, one event at a time per
// shard and concurrently across shards; ev.Packet is borrowed and valid
// only until the handler returns (copy it to keep it), and the handler may
// call Peer methods such as Send. Start serving with Run.
func NewShardedHost(address string, port, shards int, cfg HostConfig,
	handler func(shard int, ev Event)) (*ShardedHost, error) {
	const op = "new sharded host"
	if shards < 1 {
		return nil, opError(op, ErrInvalidParameter, "shards %d below 1", shards)
	}
	if handler == nil {
		return nil, opError(op, ErrInvalidParameter, "nil handler")
	}
	cfg.ReusePort = true
	s := &ShardedHost{handler: handler, peers: make([]atomic.Int64, shards)}
	for i := 0; i < shards; i++ {
		h, err := CreateHostBound(address, port, cfg)
		if err != nil {
			s.Close()
			return nil, err
		}
		if i == 0 {
			port = h.LocalPort()
			s.port = port
		}
		s.hosts = append(s.hosts, h)
	}
	return s, nil
}

// Run serves every shard, each on its own goroutine, until ctx is done or
// Close is called, then closes the ShardedHost and returns. It returns nil
// after Close or ctx's end, and an error if Run was already called.
func (s *ShardedHost) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return opError("run", ErrAlreadyInUse, "sharded host already running")
	}
	timeout := s.ServiceTimeout
	if timeout <= 0 {
		timeout = DefaultShardServiceTimeout
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	var wg sync.WaitGroup
	errs := make([]error, len(s.hosts))
	for i, h := range s.hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.serve(i, h, timeout)
		}()
	}
	wg.Wait()
	s.Close()
	return errors.Join(errs...)
}

// serve runs shard i until its host is destroyed.
func (s *ShardedHost) serve(i int, h *Host, timeout time.Duration) error {
	buf := make([]byte, shardBufferSize)
	evs := make([]Event, shardBatch)
	for {
		n, err := h.ServiceBatch(timeout, evs, buf)
		if err != nil {
			if errors.Is(err, ErrUnconfigured) {
				return nil // closed
			}
			s.Close()
			return err
		}
		for k := range evs[:n] {
			ev := evs[k]
			evs[k] = Event{} // the slice must not keep peers or packets alive
			switch ev.Type {
			case EventConnect:
				s.peers[i].Add(1)
			case EventDisconnect:
				if ev.Err == nil {
					s.peers[i].Add(-1)
				}
			}
			s.handler(i, ev)
		}
	}
}

// Port returns the UDP port every shard is bound to.
func (s *ShardedHost) Port() int { return s.port }

// Shards returns the number of shards.
func (s *ShardedHost) Shards() int { return len(s.hosts) }

// Host returns shard i's Host, for calls that act on one shard such as
// Broadcast or Statistic. Do not call Service on it: Run does.
func (s *ShardedHost) Host(i int) *Host { return s.hosts[i] }

// PeerCount returns the number of connected peers across all shards, as
// counted from the events Run has passed to the handler.
func (s *ShardedHost) PeerCount() int {
	n := 0
	for i := range s.peers {
		n += int(s.peers[i].Load())
	}
	return n
}

// ShardPeerCount returns the number of connected peers of shard i.
func (s *ShardedHost) ShardPeerCount(i int) int { return int(s.peers[i].Load()) }

// Close destroys every shard's host; a running Run returns. Remote peers
// are not told and time out. Close is idempotent and may be called from
// the handler.
func (s *ShardedHost) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	for _, h := range s.hosts {
		h.Close()
	}
	return nil
}
