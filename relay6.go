package enet

import "net/netip"

// IPv6 through a relay thread (DESIGN.md "IPv6"; cenet/relay6.c), for
// hosts whose libenet's socket calls do not reach the binding.

// relayEnv names the environment variable that, set to "1", makes
// dual-stack hosts created afterwards use the relay even where libenet's
// socket calls reach the binding (so the relayed path can be tested on
// any libenet).
const relayEnv = "ENETGO_IPV6_RELAY"

// A pathKind is how hosts created now reach IPv6.
type pathKind int

const (
	pathNone    pathKind = iota // IPv4 only
	pathDirect                  // one dual-stack socket, translated at the socket (addr6.c)
	pathRelayed                 // IPv4 on ENet's socket, IPv6 through a relay thread (relay6.c)
)

// ipv6Path decides the path for a host created now; ENet must be
// initialised. The environment is read each time.
func ipv6Path() pathKind {
	switch {
	case interposed() && !relayForced():
		return pathDirect
	case relayAvailable():
		return pathRelayed
	case interposed():
		return pathDirect
	}
	return pathNone
}

// newHostRelayed creates a server with a relay: for "::" ENet's socket
// serves IPv4 on 0.0.0.0 and the relay IPv6 on [::], on one port; for
// another IPv6 address the relay alone serves it.
func newHostRelayed(op string, addr netip.AddrPort, cfg HostConfig) (*Host, error) {
	h, err := newHost(op, false, netip.AddrPort{}, cfg)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	code := hostEnableRelay(h.c, addr.Addr().IsUnspecified(), false, addr, cfg.ReusePort)
	h.mu.Unlock()
	if err = relayError(op, code, addr); err == nil {
		h.dual, h.relayed = true, true
		return h, nil
	}
	h.Destroy()
	return nil, err
}

// relayError turns enetgo_r6_enable's code into an error (nil for 0).
func relayError(op string, code int, addr any) error {
	switch code {
	case 0:
		return nil
	case 2:
		return opError(op, ErrCantCreate, "cannot bind %v (address in use or not local?)", addr)
	case 3:
		return opError(op, ErrOutOfMemory, "no memory or thread for the IPv6 relay")
	case 4, 5:
		return errNoIPv6(op, addr)
	}
	return opError(op, ErrCantCreate, "cannot create the IPv6 relay's sockets")
}

// startRelay starts a relayed client's relay at its first IPv6 target.
// h.mu is held.
func (h *Host) startRelay(op string) error {
	if hostRelayed(h.c) {
		return nil
	}
	return relayError(op, hostEnableRelay(h.c, false, true, netip.AddrPortFrom(netip.IPv6Unspecified(), 0), false), "[::]")
}

// relayLocalAddr is LocalAddr for a relayed host: the public IPv6
// socket's address, or, before a client's relay starts, [::] with ENet's
// port (the relay takes the same port when it starts, if it is free).
// h.mu is held.
func (h *Host) relayLocalAddr() netip.AddrPort {
	if a, ok := hostRelayLocal(h.c); ok {
		return a
	}
	a, _ := hostLocalAddr(h.c)
	return netip.AddrPortFrom(netip.IPv6Unspecified(), a.Port())
}
