package enet

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/dtlstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireDTLS(t *testing.T) {
	t.Helper()
	if ok, why := DTLSSupported(); !ok {
		h := newClient(t, HostConfig{})
		require.ErrorIs(t, h.DTLSClientSetup("", nil, true), ErrUnavailable)
		t.Skip("DTLS needs the binding's socket layer: " + why)
	}
}

// dtlsServer is a "*" server with a valid certificate from ca.
func dtlsServer(t *testing.T, ca *dtlstest.CA, certPEM, keyPEM []byte) *Host {
	t.Helper()
	srv, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	if certPEM == nil {
		certPEM, keyPEM = ca.Leaf(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	}
	require.NoError(t, srv.DTLSServerSetup(certPEM, keyPEM))
	return srv
}

// TestDTLSClientServer connects two DTLS clients (to 127.0.0.1 and to
// [::1]) to a DTLS server, with verification, and exchanges reliable and
// unreliable packets.
func TestDTLSClientServer(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	srv := dtlsServer(t, ca, nil, nil)
	for _, to := range []string{"127.0.0.1", "::1"} {
		cli := newClient(t, HostConfig{MaxPeers: 1})
		require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
		cp, err := cli.ConnectToHost(to, srv.LocalPort(), 2, 0)
		require.NoError(t, err)
		pumpCond(t, 5*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
		require.NoError(t, cp.Send(0, []byte("secret "+to), FlagReliable))
		require.NoError(t, cp.Send(1, []byte("quick "+to), FlagUnsequenced))
		got := map[string]bool{}
		var sp *Peer
		pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
			if h == srv && ev.Type == EventReceive {
				b, err := ev.Peer.Packet()
				require.NoError(t, err)
				got[string(b)] = true
				sp = ev.Peer
			}
			return len(got) == 2
		}, srv, cli)
		assert.True(t, got["secret "+to] && got["quick "+to])
		assert.Equal(t, netip.MustParseAddr(to), sp.RemoteAddress())
		require.NoError(t, sp.Send(0, []byte("answer"), FlagReliable))
		_, b := receive(t, cli, srv)
		assert.Equal(t, "answer", string(b))
		assert.EqualValues(t, 1, cli.DTLSStats().Handshakes)
	}
	st := srv.DTLSStats()
	assert.EqualValues(t, 2, st.Handshakes)
	assert.Equal(t, 2, st.Sessions)
	assert.Zero(t, st.Failures)
	assert.EqualValues(t, 2, st.Cookies, "each client answered a HelloVerifyRequest")
	assert.Contains(t, godotDTLSSuites, st.Cipher)
}

// failedConnect connects cli to srv and returns the connect failure.
func failedConnect(t *testing.T, srv, cli *Host) error {
	t.Helper()
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	require.NoError(t, cp.SetTimeout(4, 200*time.Millisecond, 800*time.Millisecond))
	var fail error
	pumpUntil(t, 10*time.Second, func(h *Host, ev Event) bool {
		require.NotEqual(t, EventConnect, ev.Type, "no connection may complete")
		if h == cli && ev.Type == EventDisconnect {
			fail = ev.Err
			return true
		}
		return false
	}, srv, cli)
	assert.Empty(t, srv.Peers(), "the server made no peer")
	return fail
}

// TestDTLSRefusals: a wrong CA, an expired certificate, a wrong host name
// and a plain ENet client each fail cleanly with a clear error, and
// nothing is left behind.
func TestDTLSRefusals(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	other := dtlstest.NewCA(t, "other CA")
	cases := []struct {
		name     string
		cert     func() ([]byte, []byte)
		setup    func(*Host) error
		want     string
		srvFails bool
	}{
		{"wrong CA", nil, func(c *Host) error { return c.DTLSClientSetup("localhost", other.PEM, false) },
			"certificate verification failed: unable to get local issuer certificate", true},
		{"expired", func() ([]byte, []byte) {
			return ca.Leaf(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
		}, func(c *Host) error { return c.DTLSClientSetup("localhost", ca.PEM, false) },
			"certificate verification failed: certificate has expired", true},
		{"wrong name", nil, func(c *Host) error { return c.DTLSClientSetup("example.org", ca.PEM, false) },
			"certificate verification failed: hostname mismatch", true},
		{"plain client", nil, func(*Host) error { return nil }, "no answer", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cert, key []byte
			if c.cert != nil {
				cert, key = c.cert()
			}
			srv := dtlsServer(t, ca, cert, key)
			cli := newClient(t, HostConfig{MaxPeers: 1})
			require.NoError(t, c.setup(cli))
			err := failedConnect(t, srv, cli)
			require.ErrorIs(t, err, ErrConnectFailed)
			assert.Contains(t, err.Error(), c.want)
			st := srv.DTLSStats()
			assert.Zero(t, st.Handshakes)
			if c.srvFails {
				pumpCond(t, 3*time.Second, func() bool { return srv.DTLSStats().Failures > 0 }, srv)
			} else {
				assert.NotZero(t, st.Dropped, "the plain client's datagrams were dropped")
				assert.Zero(t, st.Sessions, "and opened no session")
			}
			require.NoError(t, srv.Destroy())
			require.NoError(t, cli.Destroy())
			assert.Zero(t, dtlsLiveSessions(), "every DTLS session freed")
		})
	}
}

// TestDTLSSetupErrors checks the setup's arguments.
func TestDTLSSetupErrors(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	cert, key := ca.Leaf(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	_, key2 := dtlstest.NewCA(t, "x").Leaf(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	h := newClient(t, HostConfig{})
	assert.ErrorIs(t, h.DTLSServerSetup([]byte("junk"), key), ErrInvalidParameter)
	assert.ErrorIs(t, h.DTLSServerSetup(cert, key2), ErrInvalidParameter)
	assert.ErrorIs(t, h.DTLSClientSetup("", ca.PEM, false), ErrInvalidParameter)
	assert.ErrorIs(t, h.DTLSClientSetup("localhost", []byte("junk"), false), ErrInvalidParameter)
	require.NoError(t, h.DTLSServerSetup(cert, key))
	assert.ErrorIs(t, h.DTLSClientSetup("localhost", ca.PEM, false), ErrInvalidParameter, "set up once")
}

// TestDTLSOpenSSLClient has an independent DTLS client (OpenSSL's own
// datagram BIO, testdata/dtls/client.c, built here with the system's C
// compiler) handshake with our server, verifying its certificate, and
// exchange ENet's CONNECT / VERIFY_CONNECT inside DTLS, over IPv4 and
// IPv6; then with a CA that did not sign the server's certificate, which
// must fail.
func TestDTLSOpenSSLClient(t *testing.T) {
	requireDTLS(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler: cannot build the OpenSSL test client")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "client")
	if out, err := exec.Command(cc, "-o", bin, "testdata/dtls/client.c", "-lssl", "-lcrypto").CombinedOutput(); err != nil {
		t.Skipf("cannot build the OpenSSL test client (libssl-dev missing?): %v\n%s", err, out)
	}
	ca := dtlstest.NewCA(t, "test CA")
	caFile := filepath.Join(dir, "ca.PEM")
	require.NoError(t, os.WriteFile(caFile, ca.PEM, 0o600))
	otherFile := filepath.Join(dir, "other.pem")
	require.NoError(t, os.WriteFile(otherFile, dtlstest.NewCA(t, "other").PEM, 0o600))
	srv := dtlsServer(t, ca, nil, nil)
	run := func(host, caf string) (string, error) {
		cmd := exec.Command(bin, host, strconv.Itoa(srv.LocalPort()), caf, "localhost")
		done := make(chan struct{})
		var out []byte
		var err error
		go func() { out, err = cmd.CombinedOutput(); close(done) }()
		for {
			select {
			case <-done:
				return string(out), err
			default:
				srv.Service(5 * time.Millisecond)
			}
		}
	}
	for _, host := range []string{"127.0.0.1", "::1"} {
		out, err := run(host, caFile)
		require.NoError(t, err, out)
		assert.True(t, strings.HasPrefix(out, "OK "), out)
		t.Logf("OpenSSL client over %s: %s", host, strings.TrimSpace(out))
	}
	assert.EqualValues(t, 2, srv.DTLSStats().Handshakes)
	assert.GreaterOrEqual(t, srv.DTLSStats().Cookies, uint64(2), "OpenSSL's client answered the cookie")
	out, err := run("127.0.0.1", otherFile)
	require.Error(t, err)
	assert.Contains(t, out, "FAIL: handshake")
	pumpCond(t, 3*time.Second, func() bool { return srv.DTLSStats().Failures == 1 }, srv)
}

// BenchmarkRoundTrip measures a reliable 32-byte round trip between two
// in-process hosts over IPv4, IPv6 and DTLS (IPv4), for the cost of each
// path (BENCHMARKS.md "IPv6" and "DTLS").
func BenchmarkRoundTrip(b *testing.B) {
	t := &testing.T{}
	ca := dtlstest.NewCA(t, "bench CA")
	cert, key := ca.Leaf(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	for _, c := range []struct {
		name, bind, to string
		dtls           bool
	}{{"ipv4", "127.0.0.1", "127.0.0.1", false}, {"ipv6", "::", "::1", false}, {"dtls", "*", "127.0.0.1", true}} {
		b.Run(c.name, func(b *testing.B) {
			if ok, why := IPv6Supported(); !ok && c.name == "ipv6" {
				b.Skip(why)
			}
			if ok, why := DTLSSupported(); !ok && c.dtls {
				b.Skip(why)
			}
			srv, err := CreateHostBound(c.bind, 0, HostConfig{})
			require.NoError(b, err)
			defer srv.Destroy()
			cli, err := CreateHost(HostConfig{MaxPeers: 1})
			require.NoError(b, err)
			defer cli.Destroy()
			if c.dtls {
				require.NoError(b, srv.DTLSServerSetup(cert, key))
				require.NoError(b, cli.DTLSClientSetup("localhost", ca.PEM, false))
			}
			cp, err := cli.ConnectToHost(c.to, srv.LocalPort(), 1, 0)
			require.NoError(b, err)
			pumpCond(b, 5*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
			msg := make([]byte, 32)
			b.ResetTimer()
			for range b.N {
				require.NoError(b, cp.Send(0, msg, FlagReliable))
				for got := false; !got; {
					ev, _ := srv.Service(0)
					if ev.Type == EventReceive {
						require.NoError(b, ev.Peer.Send(0, msg, FlagReliable))
					}
					ev, _ = cli.Service(0)
					got = ev.Type == EventReceive
				}
			}
		})
	}
}

// TestDTLSUnsafe: an unsafe client (Godot's TLSOptions.client_unsafe)
// sends and checks no host name; without CA certificates it checks
// nothing, with them it still checks the chain, as Godot 4.6.3 does.
func TestDTLSUnsafe(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	other := dtlstest.NewCA(t, "other CA")
	for _, c := range []struct {
		name, host string
		caPEM      []byte
		ok         bool
	}{
		{"no CA", "", nil, true},
		{"right CA, wrong name", "example.org", ca.PEM, true},
		{"wrong CA", "localhost", other.PEM, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := dtlsServer(t, ca, nil, nil)
			cli := newClient(t, HostConfig{MaxPeers: 1})
			require.NoError(t, cli.DTLSClientSetup(c.host, c.caPEM, true))
			if !c.ok {
				err := failedConnect(t, srv, cli)
				require.ErrorIs(t, err, ErrConnectFailed)
				assert.Contains(t, err.Error(), "unable to get local issuer certificate")
				return
			}
			cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
			require.NoError(t, err)
			pumpCond(t, 5*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
		})
	}
	assert.ErrorIs(t, newClient(t, HostConfig{}).DTLSClientSetup("x", []byte("junk"), true), ErrInvalidParameter,
		"unsafe with CA bytes that hold no certificate")
}

// TestDTLSClientStartsOver: a client that starts over from the same port
// (a new process, its old DTLS session lost) gets a new session after the
// cookie exchange, and connects again.
func TestDTLSClientStartsOver(t *testing.T) {
	requireDTLS(t)
	ca := dtlstest.NewCA(t, "test CA")
	srv := dtlsServer(t, ca, nil, nil)
	port := 0
	for round := range 2 {
		cli, err := CreateHostBound("127.0.0.1", port, HostConfig{MaxPeers: 1})
		require.NoError(t, err)
		port = cli.LocalPort()
		require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
		cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
		require.NoError(t, err)
		pumpCond(t, 5*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
		require.NoError(t, cp.Send(0, []byte("round "+strconv.Itoa(round)), FlagReliable))
		_, b := receive(t, srv, cli)
		assert.Equal(t, "round "+strconv.Itoa(round), string(b))
		require.NoError(t, cli.Destroy()) // gone without a word
		// The server forgets the old ENet peer at once, as its timeout
		// would later. While it lives it keeps sending to the same
		// address and port, and ENet's connecting peer on the new client
		// checks no session id before VERIFY_CONNECT: under load 1 run
		// in 20 then did not connect within 5 s although both DTLS
		// sessions were up (an ENet matter, not DTLS's). The DTLS session
		// stays, and the new ClientHello must still replace it.
		for _, p := range srv.Peers() {
			require.NoError(t, p.Reset())
		}
	}
	st := srv.DTLSStats()
	assert.EqualValues(t, 2, st.Handshakes)
	assert.Equal(t, 1, st.Sessions, "the new session replaced the old")
	assert.EqualValues(t, 2, st.Cookies)
}
