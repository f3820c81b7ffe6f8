package enet

// binding_relay6.go converts between C and Go for relayed IPv6 hosts
// (cenet/relay6.c). Callers hold the host's lock.

/*
#include <stdlib.h>
#include "cenet/relay6.h"
*/
import "C"

import (
	"net/netip"
	"runtime"
	"strconv"
	"unsafe"
)

// relayAvailable reports whether relayed hosts can be built here.
func relayAvailable() bool { return C.enetgo_r6_available() != 0 }

// relayForced reports whether ENETGO_IPV6_RELAY=1 asks for the relay even
// where ENet's socket calls reach the binding.
func relayForced() bool { return C.enetgo_r6_forced() != 0 }

// hostEnableRelay gives h its relay: dual for "::" (ENet's socket serves
// IPv4 on the same port), client for CreateHost (ENet's socket bound now
// if it is not yet). It returns enetgo_r6_enable's code.
func hostEnableRelay(h cHost, dual, client bool, addr netip.AddrPort, reusePort bool) int {
	b := addr.Addr().As16()
	return int(C.enetgo_r6_enable(h, cBool(dual), cBool(client), (*C.uint8_t)(&b[0]),
		C.uint16_t(addr.Port()), cBool(reusePort)))
}

// hostRelayed reports whether h's relay runs.
func hostRelayed(h cHost) bool { return h.relay != nil }

// relayConnect starts a connection to an IPv6 endpoint through the relay:
// the slot, -1 with no free slot, -2 with the relay's table full.
func relayConnect(h cHost, to netip.AddrPort, channels int, data uint32) int {
	b := to.Addr().As16()
	return int(C.enetgo_r6_connect(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())),
		C.uint16_t(to.Port()), C.size_t(channels), C.uint32_t(data)))
}

// relayStandIn reports whether an IPv4 endpoint is one of h's stand-ins
// (127.100.x.y at the relay's port): no remote can be there.
func relayStandIn(h cHost, a netip.AddrPort) bool {
	return a.Addr().Is4() && C.enetgo_r6_standin(h, ipToC(a.Addr()), C.uint16_t(a.Port())) != 0
}

// relayRemote is the endpoint behind a stand-in of h's, if it is one.
func relayRemote(h cHost, host C.enet_uint32, port uint16) (netip.AddrPort, bool) {
	var b [16]byte
	var scope C.uint32_t
	var rport C.uint16_t
	if C.enetgo_r6_lookup(h, host, C.uint16_t(port), (*C.uint8_t)(&b[0]), &scope, &rport) < 0 {
		return netip.AddrPort{}, false
	}
	a := netip.AddrFrom16(b).Unmap() // an IPv4 sender of a dual-stack public socket
	if scope != 0 && a.Is6() {
		a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
	}
	return netip.AddrPortFrom(a, uint16(rport)), true
}

// relayIntern returns the stand-in ENet is given for an IPv6 endpoint,
// allocating it; false when the table is full (a test instrument).
func relayIntern(h cHost, to netip.AddrPort) (netip.AddrPort, bool) {
	b := to.Addr().As16()
	v := C.enetgo_r6_intern(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())), C.uint16_t(to.Port()))
	if v == 0 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ipFromC(v), uint16(hostRelayStats(h).port)), true
}

// relayStats are a relay's counters.
type relayStats struct {
	used, capacity int
	dropped        uint64 // datagrams from new endpoints dropped: table full
	sweeps         uint64
	in, out        uint64 // datagrams relayed to ENet and from it
	refused        uint64 // datagrams on the relay port not from ENet's socket
	port           uint16 // the relay socket's port
}

func hostRelayStats(h cHost) relayStats {
	var s C.enetgo_r6_stats_t
	C.enetgo_r6_stats(h, &s)
	return relayStats{int(s.used), int(s.cap), uint64(s.dropped), uint64(s.sweeps),
		uint64(s.in), uint64(s.out), uint64(s.refused), uint16(s.port)}
}

// hostRelayLocal reads the public IPv6 socket's address.
func hostRelayLocal(h cHost) (netip.AddrPort, bool) {
	var b [16]byte
	var port C.uint16_t
	if C.enetgo_r6_local(h, (*C.uint8_t)(&b[0]), &port) < 0 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(netip.AddrFrom16(b), uint16(port)), true
}

// hostRelaySend sends one raw datagram to an IPv6 endpoint from the
// public socket.
func hostRelaySend(h cHost, to netip.AddrPort, data []byte) int {
	b := to.Addr().As16()
	r := C.enetgo_r6_socket_send(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())),
		C.uint16_t(to.Port()), unsafe.Pointer(bytesPtr(data)), C.size_t(len(data)))
	runtime.KeepAlive(data)
	return int(r)
}
