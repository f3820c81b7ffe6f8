package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// certFiles writes a self-signed certificate for localhost (its own CA)
// and its key into dir.
func certFiles(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(k)
	require.NoError(t, err)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	return cert, key
}

// TestDTLS: a DTLS listener takes a verifying client and an unsafe one;
// a client with the wrong CA and a plain client fail cleanly.
func TestDTLS(t *testing.T) {
	if ok, why := enet.IPv6Supported(); !ok {
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
