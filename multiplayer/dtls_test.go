package multiplayer

import (
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/dtlstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDTLS runs a Godot 4 server over DTLS with a client over IPv6 and one
// over IPv4, both verifying its certificate; a plain client cannot join.
func TestDTLS(t *testing.T) {
	if ok, why := enet.DTLSSupported(); !ok {
		t.Skip("DTLS needs the binding's socket layer: " + why)
	}
	cert, key := dtlstest.SelfSigned(t)
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
