// Package netsim is an in-process UDP proxy that simulates a bad network
// between two UDP endpoints on loopback. It is meant for tests of this
// library (and users' own tests) on machines where kernel-level network
// emulation such as netem is unavailable.
//
// A [Proxy] listens on a local UDP address (127.0.0.1:0 by default). Clients
// send their datagrams to [Proxy.Addr] instead of the real target. For each
// distinct client source address the proxy opens its own upstream UDP socket
// to the target, so the target sees one distinct address per client, just
// like behind a NAT. Replies received on that upstream socket are relayed
// back to the client.
//
// Datagrams are forwarded byte-exact; the only changes are the impairments
// configured with a [Link] for each direction: random loss, duplication,
// reordering, fixed delay with uniform jitter, a bandwidth cap with a bounded
// router-like queue, and a blackhole switch. Link settings can be changed at
// run time with [Proxy.SetLink] and [Proxy.SetBlackhole].
//
// # Determinism
//
// Every direction has its own pseudo-random generator (PCG from math/rand/v2)
// seeded from [Config.Seed]. Given the same seed and the same order of
// datagrams entering a direction, the proxy makes the same loss, duplicate,
// reorder and jitter decisions. Wall-clock timing (scheduling, actual delivery
// instants, bandwidth queue occupancy, blackhole toggles, idle timeouts) is
// not deterministic, so neither are decisions that depend on it, such as
// queue-full drops. When several clients send concurrently, the order in
// which their replies enter the down direction is also not deterministic.
//
// # Resource bounds
//
// The number of clients ([Config.MaxClients]), the number and total size of
// datagrams queued per direction ([Config.MaxQueued],
// [Config.MaxQueuedBytes]) and the datagram size ([Config.MaxDatagramSize])
// are capped. Idle clients are reclaimed after [Config.IdleTimeout]. The proxy
// can close itself after [Config.MaxLifetime]. [Proxy.Close] stops all
// goroutines and closes all sockets before it returns.
package netsim
