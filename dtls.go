package enet

// DTLS, as Godot 4's ENetConnection.dtls_server_setup and
// dtls_client_setup: every ENet datagram travels as one DTLS 1.2 record
// (DESIGN.md "DTLS"; cenet/dtls.c, on the system's OpenSSL). It needs the
// binding's socket layer, as IPv6 does (IPv6Supported).

// DTLSStats counts a DTLS host's handshakes and what it dropped.
type DTLSStats struct {
	// Handshakes is the number of DTLS handshakes completed.
	Handshakes uint64
	// Failures is the number of handshakes that failed (a certificate
	// refused, an alert, 8 s without completing).
	Failures uint64
	// Dropped counts datagrams dropped: not DTLS (a plain ENet peer),
	// from an endpoint without a session, before its handshake ended, or
	// over the limit of 64 handshakes at once.
	Dropped uint64
	// Cookies counts the HelloVerifyRequests a server sent: ClientHellos
	// from endpoints without a valid cookie, answered without allocating
	// anything (a spoofed source never gets further).
	Cookies uint64
	// Sessions is the number of DTLS sessions the host holds.
	Sessions int
	// Cipher is the cipher suite of the last completed handshake, in
	// OpenSSL's naming ("ECDHE-ECDSA-AES256-GCM-SHA384"), or "".
	Cipher string
	// LastError says why the last handshake failed ("" if none did),
	// such as "certificate verification failed: certificate has expired".
	LastError string
}

// DTLSServerSetup makes the host a DTLS server with a PEM certificate
// (chain) and its PEM private key (Godot dtls_server_setup). Call it
// before any peer connects. Peers must then speak DTLS: a plain ENet
// client's datagrams are dropped (DTLSStats.Dropped) and its connection
// attempt times out.
func (h *Host) DTLSServerSetup(certPEM, keyPEM []byte) error {
	const op = "dtls server setup"
	return h.dtlsSetup(op, func() string { return hostDTLSServer(h.c, certPEM, keyPEM) })
}

// DTLSClientSetup makes the host a DTLS client (Godot dtls_client_setup):
// the server's certificate must chain to one of the PEM CA certificates
// in caPEM and name hostname. With unsafe set (Godot's
// TLSOptions.client_unsafe, for tests) the host name is neither sent nor
// checked, and the chain is checked only if caPEM holds certificates, as
// in Godot 4.6.3. Call it before ConnectToHost. A handshake that fails
// ends the connection attempt with ErrConnectFailed naming the reason.
func (h *Host) DTLSClientSetup(hostname string, caPEM []byte, unsafe bool) error {
	const op = "dtls client setup"
	if !unsafe && hostname == "" {
		return opError(op, ErrInvalidParameter, "empty host name (pass unsafe to skip verification)")
	}
	return h.dtlsSetup(op, func() string { return hostDTLSClient(h.c, hostname, caPEM, unsafe) })
}

// DTLSSupported reports whether hosts can run DTLS here, or why not, in a
// line fit for a log. DTLS works where libenet's socket calls reach the
// binding (the system's shared libenet on Linux; see BatchedIO): not with
// Ubuntu's libenet, a static one, or the enetgo_portable build, where
// DTLSServerSetup and DTLSClientSetup fail with ErrUnavailable.
func DTLSSupported() (bool, string) { return socketLayer() }

func (h *Host) dtlsSetup(op string, setup func() string) error {
	if ok, why := socketLayer(); !ok {
		return opError(op, ErrUnavailable, "DTLS needs the binding's socket layer, which this process lacks (%s)", why)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return h.gone(op)
	}
	for _, p := range h.peers {
		if p != nil {
			return opError(op, ErrAlreadyInUse, "the host already has peers")
		}
	}
	if why := setup(); why != "" {
		return opError(op, ErrInvalidParameter, "%s", why)
	}
	h.dtls = true
	return nil
}

// DTLSStats returns the host's DTLS counters (zero without DTLS).
func (h *Host) DTLSStats() DTLSStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c == nil {
		return DTLSStats{}
	}
	return hostDTLSStats(h.c)
}

// dtlsFailure is why this DTLS client's handshake failed, or "". h.mu is
// held.
func (h *Host) dtlsFailure() string {
	if !h.dtls || h.c == nil {
		return ""
	}
	return hostDTLSFailure(h.c)
}
