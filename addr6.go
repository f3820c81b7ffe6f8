package enet

import (
	"errors"
	"net/netip"
)

// IPv6 and dual-stack hosts (DESIGN.md "IPv6"; cenet/addr6.c).
//
// The system's libenet keys peers by an IPv4 address and a port. When its
// socket calls reach the binding (see BatchedIO), a host can be given a
// dual-stack socket: IPv4 and IPv4-mapped senders reach ENet as plain IPv4
// addresses, and each remote IPv6 address as a stand-in from the reserved
// block 240.0.0.0/8 that the binding translates back at the socket and in
// every address it reports. Where the calls do not reach the binding,
// hosts stay IPv4-only and IPv6 addresses fail with ErrIPv6Unsupported.

// IPv6Supported reports whether hosts created now can be dual-stack, and
// which path they take (or why none), in a line fit for a log. Where
// libenet's socket calls reach the binding, a dual-stack host's one
// socket is shared by IPv4 and IPv6 and the binding translates at the
// socket ("direct"). Elsewhere on Linux (Ubuntu's libenet, a static one,
// the enetgo_portable build), or with ENETGO_IPV6_RELAY=1, IPv4 still goes
// straight to ENet's socket and IPv6 goes through a relay thread of the
// host ("relayed"; DESIGN.md "IPv6").
func IPv6Supported() (bool, string) {
	if err := initOnce(); err != nil {
		return false, "no: " + err.Error()
	}
	switch ipv6Path() {
	case pathDirect:
		return true, "yes, direct: libenet's socket calls reach the binding, which translates IPv6 addresses"
	case pathRelayed:
		if interposed() {
			return true, "yes, relayed: " + relayEnv + "=1 in the environment asks for the relay thread"
		}
		_, why := BatchedIO()
		return true, "yes, relayed: libenet's socket calls do not reach the binding (batched I/O " + why + "), so IPv6 goes through a relay thread of each host"
	}
	_, why := BatchedIO()
	return false, "no: libenet's socket calls do not reach the binding, so IPv6 addresses cannot be translated for its IPv4-only ENetAddress, and this platform has no relay (batched I/O " + why + ")"
}

// socketLayer reports whether libenet's socket calls reach the binding
// (cenet/batchio.c), and why not, whatever ENETGO_IPV6_RELAY says: what
// DTLS needs. Before the relay, IPv6Supported answered this too.
func socketLayer() (bool, string) {
	if err := initOnce(); err != nil {
		return false, "no: " + err.Error()
	}
	if interposed() {
		return true, "yes: libenet's socket calls reach the binding"
	}
	_, why := BatchedIO()
	return false, "no: libenet's socket calls do not reach the binding (batched I/O " + why + ")"
}

// errNoIPv6 is ErrIPv6Unsupported for op with the reason.
func errNoIPv6(op string, what any) error {
	_, why := IPv6Supported()
	return opError(op, ErrIPv6Unsupported, "%v: %s", what, why)
}

// bindFamily decides CreateHostBound's socket, as Godot 4 does: "*" and
// "::" listen dual-stack (IPv4 and IPv6), "0.0.0.0" and an IPv4 (or
// IPv4-mapped) literal IPv4 only, another IPv6 literal on that address.
// "*" falls back to IPv4 only where dual-stack hosts are unavailable, as
// Godot's builds with the system's ENet do.
func bindFamily(op, address string) (ip netip.Addr, dual bool, err error) {
	if address == "*" {
		if ok, _ := IPv6Supported(); ok {
			return netip.IPv6Unspecified(), true, nil
		}
		return netip.IPv4Unspecified(), false, nil
	}
	a, perr := netip.ParseAddr(address)
	if perr != nil {
		return netip.Addr{}, false, opError(op, ErrInvalidParameter, "bind address %q is neither an IP address nor \"*\"", address)
	}
	if a.Is4In6() {
		return a.Unmap(), false, nil
	}
	if a.Is4() {
		if isSynthetic(a) {
			return netip.Addr{}, false, opError(op, ErrInvalidParameter, "bind address %v is in 240.0.0.0/8, reserved", a)
		}
		return a, false, nil
	}
	if a.Zone() != "" {
		return netip.Addr{}, false, opError(op, ErrInvalidParameter, "bind address %v: zones are not supported", a)
	}
	if ok, _ := IPv6Supported(); !ok {
		return netip.Addr{}, false, errNoIPv6(op, "bind address "+a.String())
	}
	return a, true, nil
}

// newHostDual creates a host with a dual-stack socket, bound to addr when
// bind is set.
func newHostDual(op string, bind bool, addr netip.AddrPort, cfg HostConfig) (*Host, error) {
	if ipv6Path() == pathRelayed {
		return newHostRelayed(op, addr, cfg) // relay6.go
	}
	h, err := newHost(op, false, netip.AddrPort{}, cfg)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	code := hostEnable6(h.c, bind, addr, cfg.ReusePort)
	h.mu.Unlock()
	switch code {
	case 0:
		h.dual = true
		return h, nil
	case 2:
		err = opError(op, ErrCantCreate, "cannot bind %v (address in use or not local?)", addr)
	case 3:
		err = opError(op, ErrOutOfMemory, "")
	case 4, 5:
		err = errNoIPv6(op, addr)
	default:
		err = opError(op, ErrCantCreate, "cannot create an IPv6 socket")
	}
	h.Destroy()
	return nil, err
}

// newClientHost is CreateHost: dual-stack where available, as Godot 4's
// create_host (its socket is opened for any family), else IPv4.
func newClientHost(cfg HostConfig) (*Host, error) {
	const op = "create host"
	if err := initOnce(); err != nil {
		return nil, err
	}
	switch ipv6Path() {
	case pathNone:
		return newHost(op, false, netip.AddrPort{}, cfg)
	case pathRelayed:
		h, err := newHost(op, false, netip.AddrPort{}, cfg)
		if err == nil {
			h.dual, h.relayed = true, true // the relay starts at the first IPv6 target
		}
		return h, err
	}
	h, err := newHostDual(op, false, netip.AddrPort{}, cfg)
	if err != nil && errors.Is(err, ErrIPv6Unsupported) {
		return newHost(op, false, netip.AddrPort{}, cfg) // no IPv6 in the kernel
	}
	return h, err
}

// remoteAddr parses address or resolves it as Godot 4's connect_to_host
// does: a literal as is (an IPv4-mapped one as IPv4), a name with the C
// library's resolver, any family on a dual-stack host and IPv4 only
// otherwise, taking the first address. It may block: call it without the
// host's lock.
func (h *Host) remoteAddr(op, address string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(address); err == nil {
		a = a.Unmap()
		switch {
		case a.Is6() && !h.dual:
			if ok, _ := IPv6Supported(); ok {
				return netip.Addr{}, opError(op, ErrIPv6Unsupported, "address %v: this host's socket is IPv4 only (bound to an IPv4 address or \"0.0.0.0\")", a)
			}
			return netip.Addr{}, errNoIPv6(op, "address "+a.String())
		case h.dual && !h.relayed && isSynthetic(a):
			return netip.Addr{}, opError(op, ErrInvalidParameter, "address %v is in 240.0.0.0/8, which a dual-stack host reserves", a)
		}
		return a, nil
	}
	if address == "" {
		return netip.Addr{}, opError(op, ErrInvalidParameter, "empty address")
	}
	a, ok := resolveName(address, h.dual)
	if !ok {
		if h.dual {
			return netip.Addr{}, opError(op, ErrCantResolve, "%q has no address", address)
		}
		return netip.Addr{}, opError(op, ErrCantResolve, "%q has no IPv4 address", address)
	}
	if h.dual && !h.relayed && isSynthetic(a) {
		return netip.Addr{}, opError(op, ErrInvalidParameter, "%q resolves to %v, in 240.0.0.0/8, which a dual-stack host reserves", address, a)
	}
	return a, nil
}

// connect starts ENet's connection to ip:port: an IPv6 target through the
// relay on a relayed host, else at the address enetAddr gives. It returns
// the peer's slot (negative: no free slot). h.mu is held.
func (h *Host) connect(op string, ip netip.Addr, port uint16, channels int, data uint32) (int, error) {
	if h.relayed && ip.Is6() {
		if err := h.startRelay(op); err != nil { // relay6.go
			return -1, err
		}
		slot := relayConnect(h.c, netip.AddrPortFrom(ip, port), channels, data)
		if slot == -2 {
			return -1, opError(op, ErrFailed, "the host's IPv6 relay table is full (%d endpoints in use by peers)", hostRelayStats(h.c).used)
		}
		return slot, nil
	}
	if h.relayed && relayStandIn(h.c, netip.AddrPortFrom(ip, port)) {
		return -1, opError(op, ErrInvalidParameter, "address %v is the host's own IPv6 relay", netip.AddrPortFrom(ip, port))
	}
	ip, err := h.enetAddr(op, ip)
	if err != nil {
		return -1, err
	}
	return hostConnect(h.c, netip.AddrPortFrom(ip, port), channels, data), nil
}

// enetAddr turns a remote address into what ENet is given: itself for
// IPv4, a stand-in from the host's table for IPv6. h.mu is held.
func (h *Host) enetAddr(op string, a netip.Addr) (netip.Addr, error) {
	if a.Is4() {
		return a, nil
	}
	s, ok := hostIntern6(h.c, a)
	if !ok {
		return netip.Addr{}, opError(op, ErrFailed, "the host's IPv6 address table is full (%d addresses in use by peers)", hostTable6Stats(h.c).used)
	}
	return s, nil
}

// DualStack reports whether the host's socket takes both IPv4 and IPv6.
func (h *Host) DualStack() bool { return h.dual }
