package multiplayer

import "github.com/enetgo/enet"

// DTLSServerOptions makes a Server speak DTLS, as a Godot 4 server whose
// ENetMultiplayerPeer's host had dtls_server_setup called right after
// create_server (enet.Host.DTLSServerSetup).
type DTLSServerOptions struct {
	// CertPEM is the server's PEM certificate (chain), KeyPEM its key.
	CertPEM, KeyPEM []byte
}

// DTLSClientOptions makes a Client speak DTLS, as a Godot 4 client whose
// host had dtls_client_setup called before connecting
// (enet.Host.DTLSClientSetup).
type DTLSClientOptions struct {
	// Hostname is the name the server's certificate must carry.
	Hostname string
	// CAPEM holds the PEM CA certificates the server's must chain to.
	CAPEM []byte
	// Unsafe skips the host name check, and the chain's too when CAPEM is
	// empty (Godot's TLSOptions.client_unsafe).
	Unsafe bool
}

// setupServerDTLS and setupClientDTLS apply the options to h, if any.
func setupServerDTLS(h *enet.Host, o *DTLSServerOptions) error {
	if o == nil {
		return nil
	}
	return h.DTLSServerSetup(o.CertPEM, o.KeyPEM)
}

func setupClientDTLS(h *enet.Host, o *DTLSClientOptions) error {
	if o == nil {
		return nil
	}
	return h.DTLSClientSetup(o.Hostname, o.CAPEM, o.Unsafe)
}
