package enet

// binding6.go converts between C and Go for dual-stack hosts
// (cenet/addr6.c), as binding.go does for everything else. Callers hold
// the host's lock unless a function says otherwise.

/*
#include <stdlib.h>
#include <sys/socket.h>
#include <net/if.h>
#include "cenet/addr6.h"
*/
import "C"

import (
	"net/netip"
	"runtime"
	"strconv"
	"unsafe"
)

// hostEnable6 gives a host created unbound a dual-stack socket, bound to
// addr when bind is set. It returns 0, or 1 (socket), 2 (bind), 3
// (memory), 4 (libenet's socket calls do not reach the binding), 5 (no
// IPv6 in the kernel).
func hostEnable6(h cHost, bind bool, addr netip.AddrPort, reusePort bool) int {
	b := addr.Addr().As16()
	return int(C.enetgo_a6_enable(h, cBool(bind), (*C.uint8_t)(&b[0]), C.uint16_t(addr.Port()), cBool(reusePort)))
}

// interposed reports whether libenet's socket calls reach the binding
// (cenet/batchio.c), which dual-stack hosts need; ENet must be initialised.
func interposed() bool { return C.enetgo_io_interposed() != 0 }

// hostDual reports whether h has a dual-stack socket.
func hostDual(h cHost) bool { return h.a6 != nil }

// synthetic reports whether an ENet host value stands for an IPv6 address
// of a dual-stack host.
func synthetic(host C.enet_uint32) bool { return C.enetgo_a6_synthetic(host) != 0 }

// isSynthetic is synthetic for a Go IPv4 address (one the user gave).
func isSynthetic(a netip.Addr) bool { return a.Is4() && a.As4()[0] == C.ENETGO_A6_OCTET }

// hostIntern6 returns the IPv4 stand-in ENet is given for an IPv6 address
// of h's, allocating it; false when h's table is full.
func hostIntern6(h cHost, a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	v := C.enetgo_a6_intern(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(a.Zone())))
	if v == 0 {
		return netip.Addr{}, false
	}
	return ipFromC(v), true
}

// remote6 is the real address behind a synthetic host value of h's, or
// the IPv4 value itself when it is none.
func remote6(h cHost, host C.enet_uint32) netip.Addr {
	var b [16]byte
	var scope C.uint32_t
	if C.enetgo_a6_lookup(h, host, (*C.uint8_t)(&b[0]), &scope) < 0 {
		return ipFromC(host)
	}
	a := netip.AddrFrom16(b)
	if scope != 0 {
		a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
	}
	return a
}

// zoneScope turns a zone (an interface name or index) into a scope id.
func zoneScope(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n)
	}
	cs := C.CString(zone)
	defer C.free(unsafe.Pointer(cs))
	return uint32(C.if_nametoindex(cs))
}

// table6Stats are a dual-stack host's address-table counters.
type table6Stats struct {
	used, capacity int
	dropped        uint64 // datagrams from new IPv6 addresses dropped: table full
	sweeps         uint64
}

func hostTable6Stats(h cHost) table6Stats {
	var used, capacity C.int
	var dropped, sweeps C.uint64_t
	C.enetgo_a6_stats(h, &used, &capacity, &dropped, &sweeps)
	return table6Stats{int(used), int(capacity), uint64(dropped), uint64(sweeps)}
}

// hostSocketSend6 sends one raw datagram to an IPv6 address.
func hostSocketSend6(h cHost, to netip.AddrPort, data []byte) int {
	b := to.Addr().As16()
	r := C.enetgo_a6_socket_send(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())),
		C.uint16_t(to.Port()), unsafe.Pointer(bytesPtr(data)), C.size_t(len(data)))
	runtime.KeepAlive(data)
	return int(r)
}

// hostLocalAddr reads the socket's bound address, IPv4 or IPv6.
func hostLocalAddr(h cHost) (netip.AddrPort, bool) {
	var fam C.int
	var b [16]byte
	var port C.uint16_t
	if C.enetgo_a6_local(h, &fam, (*C.uint8_t)(&b[0]), &port) < 0 {
		return netip.AddrPort{}, false
	}
	if fam == C.AF_INET6 {
		return netip.AddrPortFrom(netip.AddrFrom16(b), uint16(port)), true
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[:4])), uint16(port)), true
}

// resolveName resolves name with the C library as Godot 4 does (any
// family, first address; IPv4 only when any is false). It blocks: call it
// without the host's lock.
func resolveName(name string, any bool) (netip.Addr, bool) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var b [16]byte
	var scope C.uint32_t
	switch C.enetgo_resolve(cs, cBool(any), (*C.uint8_t)(&b[0]), &scope) {
	case C.AF_INET:
		return netip.AddrFrom4([4]byte(b[:4])), true
	case C.AF_INET6:
		a := netip.AddrFrom16(b).Unmap()
		if scope != 0 && a.Is6() {
			a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
		return a, true
	}
	return netip.Addr{}, false
}
