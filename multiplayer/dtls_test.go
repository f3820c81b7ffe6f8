package multiplayer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// selfSigned makes a certificate for localhost, 127.0.0.1 and ::1 that is
// its own CA: cert and key PEM.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// TestDTLS runs a Godot 4 server over DTLS with a client over IPv6 and one
// over IPv4, both verifying its certificate; a plain client cannot join.
func TestDTLS(t *testing.T) {
	if ok, why := enet.IPv6Supported(); !ok {
		t.Skip("DTLS needs the binding's socket layer: " + why)
	}
	cert, key := selfSigned(t)
	s, err := NewServer(Godot4, "", 0, ServerConfig{DTLS: &DTLSServerOptions{CertPEM: cert, KeyPEM: key}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	opts := &DTLSClientOptions{Hostname: "localhost", CAPEM: cert}
	var cs []*Client
	for _, to := range []string{"::1", "127.0.0.1"} {
		c, err := Dial(Godot4, to, s.Port(), ClientConfig{DTLS: opts})
		require.NoError(t, err, to)
		t.Cleanup(func() { c.Close() })
		require.Equal(t, PeerJoined{ID: 1}, next(t, c.Events()))
		expect(t, s.Events(), PeerJoined{ID: c.ID()})
		cs = append(cs, c)
	}
	expect(t, cs[0].Events(), PeerJoined{ID: cs[1].ID()})
	expect(t, cs[1].Events(), PeerJoined{ID: cs[0].ID()})
	require.NoError(t, cs[0].Send(cs[1].ID(), []byte("sealed"), Reliable, 0))
	p := next(t, cs[1].Events()).(Packet)
	assert.Equal(t, cs[0].ID(), p.From)
	assert.Equal(t, "sealed", string(p.Data))

	_, err = Dial(Godot4, "127.0.0.1", s.Port(), ClientConfig{ConnectTimeout: 700 * time.Millisecond})
	assert.Error(t, err, "a plain client cannot join a DTLS server")
}
