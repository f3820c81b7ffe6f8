package enet

import (
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/dtlstest"
	"github.com/enetgo/enet/internal/enettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureClientHello returns the first datagram a DTLS client host of
// ours sends when it connects: a real DTLS 1.2 ClientHello without a
// cookie.
func captureClientHello(t *testing.T, ca *dtlstest.CA) []byte {
	t.Helper()
	sink, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer sink.Close()
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
	_, err = cli.ConnectToHost("127.0.0.1", sink.LocalAddr().(*net.UDPAddr).Port, 1, 0)
	require.NoError(t, err)
	buf := make([]byte, 4096)
	for range 200 {
		_, _ = cli.Service(0)
		require.NoError(t, sink.SetReadDeadline(time.Now().Add(10*time.Millisecond)))
		n, _, err := sink.ReadFromUDP(buf)
		if err == nil {
			require.NoError(t, cli.Destroy())
			hello := buf[:n]
			require.Greater(t, len(hello), 25)
			require.EqualValues(t, 22, hello[0], "a handshake record")
			require.EqualValues(t, 1, hello[13], "a ClientHello")
			return hello
		}
	}
	t.Fatal("our DTLS client sent no ClientHello")
	return nil
}

// isHelloVerifyRequest reports whether b is a DTLS handshake record with a
// HelloVerifyRequest.
func isHelloVerifyRequest(b []byte) bool {
	return len(b) > 25 && b[0] == 22 && b[13] == 3
}

// TestDTLSCookieFlood: ClientHellos without a cookie from many endpoints
// (as a spoofed flood looks to the server) are each answered with a
// HelloVerifyRequest and allocate no session and no handshake slot, more
// of them than the 64 handshakes the server takes at once; a real client
// that answers the cookie connects meanwhile, and ENet and the DTLS
// sessions free everything at the end.
func TestDTLSCookieFlood(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	hello := captureClientHello(t, ca)
	srv := dtlsServer(t, ca, nil, nil)
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: srv.LocalPort()}
	const endpoints, each = 100, 3 // 300 ClientHellos from 100 ports
	socks := make([]*net.UDPConn, endpoints)
	for i := range socks {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		socks[i] = c
	}
	answered := 0
	buf := make([]byte, 4096)
	for round := range each {
		for _, c := range socks {
			_, err := c.WriteToUDP(hello, to)
			require.NoError(t, err)
			_, _ = srv.Service(0)
		}
		for _, c := range socks {
			var n int
			var err error
			for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
				_, _ = srv.Service(0)
				require.NoError(t, c.SetReadDeadline(time.Now().Add(2*time.Millisecond)))
				if n, _, err = c.ReadFromUDP(buf); err == nil {
					break
				}
			}
			require.NoError(t, err, "round %d: no answer (%+v)", round, srv.DTLSStats())
			if isHelloVerifyRequest(buf[:n]) {
				answered++
			}
			require.Equal(t, 60, n, "a HelloVerifyRequest: 13 + 12 + 3 bytes and a 32-byte cookie")
			require.Less(t, n, len(hello), "a HelloVerifyRequest is smaller than the ClientHello: no amplification")
		}
		st := srv.DTLSStats()
		assert.Zero(t, st.Sessions, "round %d: a ClientHello without a cookie opened a session", round)
	}
	st := srv.DTLSStats()
	assert.Equal(t, endpoints*each, answered, "every ClientHello got a HelloVerifyRequest")
	assert.EqualValues(t, endpoints*each, st.Cookies)
	assert.Zero(t, st.Sessions)
	assert.Zero(t, st.Handshakes)
	assert.Zero(t, st.Failures)
	assert.Zero(t, dtlsLiveSessions(), "no DTLS session allocated")

	// A real client, while the flood goes on from every port.
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	i := 0
	pumpCond(t, 5*time.Second, func() bool {
		_, _ = socks[i%endpoints].WriteToUDP(hello, to)
		i++
		return cp.State() == StateConnected
	}, srv, cli)
	st = srv.DTLSStats()
	assert.Equal(t, 1, st.Sessions, "only the real client has a session")
	assert.EqualValues(t, 1, st.Handshakes)
	assert.Greater(t, st.Cookies, uint64(endpoints*each), "the real client was asked for a cookie too")
	require.NoError(t, cli.Destroy())
	require.NoError(t, srv.Destroy())
	assert.Zero(t, dtlsLiveSessions(), "every DTLS session freed")
}

// TestDTLSCookieReplay: a cookie is bound to the endpoint: the ClientHello
// our client sends with its cookie, replayed from another port, gets a
// new HelloVerifyRequest and no session.
func TestDTLSCookieReplay(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	srv := dtlsServer(t, ca, nil, nil)
	// A relay between our client and the server records the client's
	// second ClientHello (the one with the cookie).
	relay, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer relay.Close()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: srv.LocalPort()}
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
	_, err = cli.ConnectToHost("127.0.0.1", relay.LocalAddr().(*net.UDPAddr).Port, 1, 0)
	require.NoError(t, err)
	var hellos [][]byte
	var cliAddr *net.UDPAddr
	buf := make([]byte, 4096)
	for range 300 {
		if len(hellos) == 2 {
			break
		}
		_, _ = cli.Service(0)
		_, _ = srv.Service(0)
		require.NoError(t, relay.SetReadDeadline(time.Now().Add(5*time.Millisecond)))
		n, from, err := relay.ReadFromUDP(buf)
		if err != nil {
			continue
		}
		b := append([]byte(nil), buf[:n]...)
		if from.Port == srv.LocalPort() {
			_, _ = relay.WriteToUDP(b, cliAddr)
			continue
		}
		cliAddr = from
		if len(b) > 25 && b[0] == 22 && b[13] == 1 {
			hellos = append(hellos, b)
		}
		_, _ = relay.WriteToUDP(b, to)
	}
	require.Len(t, hellos, 2, "the client sent its ClientHello again with the cookie")
	assert.NotEqual(t, hellos[0], hellos[1])
	pumpCond(t, 2*time.Second, func() bool { return srv.DTLSStats().Sessions == 1 }, srv)
	// The relay's port now has a session; replay the cookie from another.
	other, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer other.Close()
	before := srv.DTLSStats().Cookies
	_, err = other.WriteToUDP(hellos[1], to)
	require.NoError(t, err)
	pumpCond(t, 2*time.Second, func() bool { return srv.DTLSStats().Cookies == before+1 }, srv)
	require.NoError(t, other.SetReadDeadline(time.Now().Add(time.Second)))
	n, _, err := other.ReadFromUDP(buf)
	require.NoError(t, err)
	assert.True(t, isHelloVerifyRequest(buf[:n]), "a replayed cookie is not valid from another port")
	assert.Equal(t, 1, srv.DTLSStats().Sessions, "and opened no session")
	t.Logf("ClientHello %d bytes, with cookie %d bytes (from port %s)", len(hellos[0]), len(hellos[1]),
		strconv.Itoa(cliAddr.Port))
}

// BenchmarkDTLSHelloVerify measures the stateless answer to a ClientHello
// without a cookie: one datagram in, one HelloVerifyRequest out, through
// the server's Service and the kernel both ways.
func BenchmarkDTLSHelloVerify(b *testing.B) {
	t := &testing.T{}
	ca := dtlstest.NewCA(t, "bench CA")
	sink, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(b, err)
	defer sink.Close()
	cli, err := CreateHost(HostConfig{MaxPeers: 1})
	require.NoError(b, err)
	defer cli.Destroy()
	require.NoError(b, cli.DTLSClientSetup("localhost", ca.PEM, false))
	_, err = cli.ConnectToHost("127.0.0.1", sink.LocalAddr().(*net.UDPAddr).Port, 1, 0)
	require.NoError(b, err)
	buf := make([]byte, 4096)
	var hello []byte
	for hello == nil {
		_, _ = cli.Service(0)
		require.NoError(b, sink.SetReadDeadline(time.Now().Add(10*time.Millisecond)))
		if n, _, err := sink.ReadFromUDP(buf); err == nil {
			hello = append([]byte(nil), buf[:n]...)
		}
	}
	cert, key := ca.Leaf(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	srv, err := CreateHostBound("127.0.0.1", 0, HostConfig{})
	require.NoError(b, err)
	defer srv.Destroy()
	require.NoError(b, srv.DTLSServerSetup(cert, key))
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: srv.LocalPort()}
	b.ResetTimer()
	for range b.N {
		_, err := sink.WriteToUDP(hello, to)
		require.NoError(b, err)
		for {
			_, _ = srv.Service(0)
			require.NoError(b, sink.SetReadDeadline(time.Now().Add(time.Millisecond)))
			if _, _, err := sink.ReadFromUDP(buf); err == nil {
				break
			}
		}
	}
	b.StopTimer()
	require.EqualValues(b, b.N, srv.DTLSStats().Cookies)
	require.Zero(b, srv.DTLSStats().Sessions)
}

// TestDTLSMutatedClientHellos: mutated ClientHellos and junk handshake
// records (bounded, seeded) from many ports reach the cookie listener;
// none opens a session or stops the server, and a real client connects
// afterwards.
func TestDTLSMutatedClientHellos(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	hello := captureClientHello(t, ca)
	srv := dtlsServer(t, ca, nil, nil)
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: srv.LocalPort()}
	rng := rand.New(rand.NewPCG(26, 2))
	socks := make([]*net.UDPConn, 16)
	for i := range socks {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		socks[i] = c
	}
	for i := range 2000 {
		var b []byte
		if i%4 == 0 {
			b = append([]byte{22}, enettest.RandomBytes(rng, rng.IntN(300))...)
		} else {
			b = enettest.Mutate(rng, hello)
		}
		_, err := socks[i%len(socks)].WriteToUDP(b, to)
		require.NoError(t, err)
		if i%16 == 15 {
			_, err := srv.Service(0)
			require.NoError(t, err)
		}
	}
	_, _ = srv.Service(0)
	st := srv.DTLSStats()
	assert.Zero(t, st.Sessions, "no mutated ClientHello opened a session")
	assert.Zero(t, st.Handshakes)
	t.Logf("2000 junk handshake datagrams: %d HelloVerifyRequests, %d dropped", st.Cookies, st.Dropped)
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	pumpCond(t, 5*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
	require.NoError(t, cli.Destroy())
	require.NoError(t, srv.Destroy())
	assert.Zero(t, dtlsLiveSessions())
}
