package main

import (
	"fmt"
	"os"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/multiplayer"
)

// dtlsServer reads --dtls-cert and --dtls-key, or returns nil without them.
func (o *options) dtlsServer() (*multiplayer.DTLSServerOptions, error) {
	if o.dtlsCert == "" {
		return nil, nil
	}
	cert, err := os.ReadFile(o.dtlsCert)
	if err != nil {
		return nil, fmt.Errorf("--dtls-cert: %w", err)
	}
	key, err := os.ReadFile(o.dtlsKey)
	if err != nil {
		return nil, fmt.Errorf("--dtls-key: %w", err)
	}
	return &multiplayer.DTLSServerOptions{CertPEM: cert, KeyPEM: key}, nil
}

// dtlsClient reads --dtls-ca (the server must then be named HOST, or
// --dtls-name), or returns --dtls-unsafe's options, or nil.
func (o *options) dtlsClient() (*multiplayer.DTLSClientOptions, error) {
	switch {
	case o.dtlsUnsafe:
		return &multiplayer.DTLSClientOptions{Unsafe: true}, nil
	case o.dtlsCA == "":
		return nil, nil
	}
	ca, err := os.ReadFile(o.dtlsCA)
	if err != nil {
		return nil, fmt.Errorf("--dtls-ca: %w", err)
	}
	name := o.dtlsName
	if name == "" {
		name = o.host
	}
	return &multiplayer.DTLSClientOptions{Hostname: name, CAPEM: ca}, nil
}

// setupDTLS applies the DTLS options to a raw host.
func (o *options) setupDTLS(h *enet.Host) error {
	if o.listen {
		so, err := o.dtlsServer()
		if err != nil || so == nil {
			return err
		}
		return h.DTLSServerSetup(so.CertPEM, so.KeyPEM)
	}
	co, err := o.dtlsClient()
	if err != nil || co == nil {
		return err
	}
	return h.DTLSClientSetup(co.Hostname, co.CAPEM, co.Unsafe)
}
