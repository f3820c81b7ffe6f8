package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/dtlstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// certFiles writes a self-signed certificate for localhost (its own CA)
// and its key into dir.
func certFiles(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	certPEM, keyPEM := dtlstest.SelfSigned(t)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(cert, certPEM, 0o600))
	require.NoError(t, os.WriteFile(key, keyPEM, 0o600))
	return cert, key
}

// TestDTLS: a DTLS listener takes a verifying client and an unsafe one;
// a client with the wrong CA and a plain client fail cleanly.
func TestDTLS(t *testing.T) {
	if ok, why := enet.DTLSSupported(); !ok {
		t.Skip("DTLS needs the binding's socket layer: " + why)
	}
	dir := t.TempDir()
	cert, key := certFiles(t, dir)
	other, _ := certFiles(t, t.TempDir())
	srv, port := listen(t, "--addr", "*", "--dtls-cert", cert, "--dtls-key", key)
	p := strconv.Itoa(port)
	cli := start(t, "connect", "127.0.0.1:"+p, "--dtls-ca", cert, "--dtls-name", "localhost")
	srv.stderr.wait(t, "connected")
	cli.send(t, "encrypted hello")
	srv.stdout.wait(t, "encrypted hello")
	unsafe := start(t, "connect", "[::1]:"+p, "--dtls-unsafe")
	unsafe.send(t, "unchecked")
	srv.stdout.wait(t, "unchecked")

	bad := start(t, "connect", "127.0.0.1:"+p, "--dtls-ca", other, "--dtls-name", "localhost", "--timeout", "2s")
	assert.Equal(t, 1, bad.exitCode(t))
	bad.stderr.wait(t, "certificate verification failed")
	plain := start(t, "connect", "127.0.0.1:"+p, "--timeout", "700ms")
	assert.Equal(t, 1, plain.exitCode(t))
	plain.stderr.wait(t, "cannot connect")

	usage := start(t, "listen", "--port", "0", "--dtls-cert", cert)
	assert.Equal(t, 2, usage.exitCode(t), "--dtls-cert without --dtls-key")
}
