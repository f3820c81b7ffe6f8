package enet

// batchIOEnv names the environment variable that, set to "0", gives hosts
// created afterwards ENet's own datagram I/O instead of the batched one.
const batchIOEnv = "ENETGO_BATCHIO"

// BatchedIO reports whether hosts created now move their datagrams in
// batches (sendmmsg/recvmmsg under ENet's protocol code, one system call
// for many datagrams) and why or why not, in a line fit for a log.
//
// The batches need ENet's calls of enet_socket_send and
// enet_socket_receive to reach the binding's definitions, which happens
// with a shared libenet that calls its exported functions through its PLT
// (Debian's packages). A static libenet, or one linked with
// -Bsymbolic-functions (Ubuntu's packages), calls its own: the binding
// finds that out once per process, by serving a fresh host and seeing
// whether its read came through, and then leaves ENet's own I/O in place.
// Off Linux, or built with the enetgo_portable tag, batching is not
// compiled in. ENETGO_BATCHIO=0 turns it off on purpose. With it off every
// API works the same, one datagram per system call.
func BatchedIO() (on bool, reason string) {
	if err := initOnce(); err != nil {
		return false, "off: " + err.Error()
	}
	switch ioStatus() {
	case ioOn:
		return true, "on: libenet's socket calls reach the binding (sendmmsg/recvmmsg batches)"
	case ioOffEnv:
		return false, "off: " + batchIOEnv + "=0 in the environment (ENet's own I/O)"
	case ioOffPortable:
		return false, "off: portable build (not Linux, or the enetgo_portable build tag): ENet's own I/O"
	case ioOffLibenet:
		return false, "off: libenet " + LinkedVersion() + " calls its own enet_socket_send/receive (linked statically or with -Bsymbolic-functions): ENet's own I/O"
	case ioOffProbe:
		return false, "off: could not create the probe host (out of sockets or memory?): ENet's own I/O"
	}
	return false, "off: unknown state"
}

// BatchedIO reports whether this host moves its datagrams in batches (see
// the package function BatchedIO); false once destroyed.
func (h *Host) BatchedIO() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.c != nil && hostBatched(h.c)
}
