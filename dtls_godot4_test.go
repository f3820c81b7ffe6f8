package enet

// DTLS against the real Godot 4.6.3's own DTLS classes (mbedTLS):
// PacketPeerDTLS over PacketPeerUDP, the pieces official Godot builds put
// under ENet (modules/enet/enet_godot.cpp: one put_packet per ENet
// datagram). Debian's Godot links the system ENet, which has no DTLS, so
// the GDScript program (testdata/dtls/godot4_client.gd) speaks ENet 1.3 by
// hand inside the DTLS session: CONNECT, VERIFY_CONNECT, its ACK and one
// reliable packet each way.

import (
	"context"
	"encoding/base64"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/dtlstest"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// godotDTLSSuites is what our server accepts (cenet/dtls.c CIPHERS).
var godotDTLSSuites = []string{
	"ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
	"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
	"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
}

// g4DTLSLog is what our DTLS server saw while Godot ran.
type g4DTLSLog struct {
	mu       sync.Mutex
	connects int
	addrs    []netip.Addr
	received [][]byte
	channels []int
	errs     []string
}

// g4DTLSServe services srv until ctx ends, answering every received
// packet with reply (reliable, channel 0).
func g4DTLSServe(ctx context.Context, srv *Host, reply string) (*g4DTLSLog, func()) {
	log := &g4DTLSLog{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			ev, err := srv.Service(5 * time.Millisecond)
			if err != nil {
				log.mu.Lock()
				log.errs = append(log.errs, err.Error())
				log.mu.Unlock()
				return
			}
			log.mu.Lock()
			switch ev.Type {
			case EventConnect:
				log.connects++
				log.addrs = append(log.addrs, ev.Peer.RemoteAddress())
			case EventReceive:
				b, err := ev.Peer.Packet()
				if err != nil {
					log.errs = append(log.errs, err.Error())
					break
				}
				log.received = append(log.received, b)
				log.channels = append(log.channels, ev.Channel)
				if err := ev.Peer.Send(0, []byte(reply), FlagReliable); err != nil {
					log.errs = append(log.errs, err.Error())
				}
			}
			log.mu.Unlock()
		}
	}()
	return log, func() { <-done }
}

// TestDTLSGodot4Client: Godot 4.6.3's PacketPeerDTLS completes a DTLS 1.2
// handshake with our server (cookie exchange included), verifying our
// certificate with TLSOptions.client(ca) and, separately, with
// TLSOptions.client_unsafe(ca) expecting another host name, with an RSA
// server certificate (an ECDHE-RSA suite), and over IPv6 (::1 to our
// dual-stack server: Godot's PacketPeerUDP is dual-stack even where its
// ENet is not) (unsafe skips
// the name; client_unsafe() without a CA needs Godot's default bundle,
// which Debian's 4.6.3 fails to load here: "SSL module failed to
// initialize!"); then ENet's connection and one reliable
// packet each way go through inside it, checked on both sides.
func TestDTLSGodot4Client(t *testing.T) {
	requireDTLS(t)
	godottest.Godot4.Require(t)
	ca := dtlstest.NewCA(t, "Godot test CA")
	for i, mode := range []string{"verify", "unsafe", "rsa", "ipv6"} {
		t.Run(mode, func(t *testing.T) {
			var cert, key []byte
			if mode == "rsa" {
				cert, key = ca.LeafRSA(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			}
			srv := dtlsServer(t, ca, cert, key)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reply := "pong from Go over DTLS " + mode
			payload := "ping from Godot over DTLS " + mode
			log, wait := g4DTLSServe(ctx, srv, reply)
			caArg := base64.StdEncoding.EncodeToString(ca.PEM)
			host, ip, godotMode := "localhost", "127.0.0.1", "verify"
			switch mode {
			case "unsafe":
				host, godotMode = "example.org", "unsafe"
			case "ipv6":
				ip = "::1"
			}
			connectID := 0x5EED0000 + i
			proc := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/dtls/godot4_client.gd",
				"ip="+ip, "port="+strconv.Itoa(srv.LocalPort()), "ca="+caArg, "host="+host, "mode="+godotMode,
				"connect_id="+strconv.Itoa(connectID), "payload="+payload, "reply="+reply)
			out, err := proc.Wait()
			cancel()
			wait()
			require.NoError(t, err, out)
			assert.Contains(t, out, "VERIFY_CONNECT command=0x83 ")
			assert.Contains(t, out, "connect_id="+strconv.Itoa(connectID))
			assert.Contains(t, out, "REPLY "+reply)
			log.mu.Lock()
			defer log.mu.Unlock()
			assert.Empty(t, log.errs)
			assert.Equal(t, 1, log.connects, "one EventConnect")
			assert.Equal(t, []netip.Addr{netip.MustParseAddr(ip)}, log.addrs)
			require.Len(t, log.received, 1, "one EventReceive")
			assert.Equal(t, payload, string(log.received[0]))
			assert.EqualValues(t, 0, log.channels[0])
			st := srv.DTLSStats()
			assert.EqualValues(t, 1, st.Handshakes)
			assert.Zero(t, st.Failures)
			assert.GreaterOrEqual(t, st.Cookies, uint64(1), "Godot's first ClientHello got a HelloVerifyRequest")
			assert.Contains(t, godotDTLSSuites, st.Cipher)
			if mode == "rsa" {
				assert.Contains(t, st.Cipher, "ECDHE-RSA-")
			} else {
				assert.Contains(t, st.Cipher, "ECDHE-ECDSA-")
			}
			srv.mu.Lock()
			offered := hostDTLSOffered(srv.c)
			srv.mu.Unlock()
			t.Logf("Godot 4.6.3 (%s): negotiated %s; it offered %s", mode, st.Cipher, offered)
			t.Logf("Godot output:\n%s", out)
		})
	}
}

// TestDTLSGodot4ClientRefused: Godot's PacketPeerDTLS refuses our
// certificate when it trusts another CA or expects another host name; its
// handshake fails and our server counts the failure.
func TestDTLSGodot4ClientRefused(t *testing.T) {
	requireDTLS(t)
	godottest.Godot4.Require(t)
	ca := dtlstest.NewCA(t, "Godot test CA")
	other := dtlstest.NewCA(t, "other CA")
	for _, c := range []struct {
		name, host string
		trust      *dtlstest.CA
	}{{"wrong CA", "localhost", other}, {"wrong host", "example.org", ca}} {
		t.Run(c.name, func(t *testing.T) {
			srv := dtlsServer(t, ca, nil, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			log, wait := g4DTLSServe(ctx, srv, "")
			proc := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/dtls/godot4_client.gd",
				"port="+strconv.Itoa(srv.LocalPort()), "ca="+base64.StdEncoding.EncodeToString(c.trust.PEM),
				"host="+c.host, "mode=fail")
			out, err := proc.Wait()
			require.NoError(t, err, out)
			assert.Contains(t, out, "HANDSHAKE_FAILED")
			deadline := time.Now().Add(10 * time.Second)
			for srv.DTLSStats().Failures == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			wait()
			st := srv.DTLSStats()
			assert.EqualValues(t, 1, st.Failures, "our server counted the failed handshake")
			assert.Zero(t, st.Handshakes)
			assert.Zero(t, st.Sessions)
			t.Logf("our side: %q; Godot: %s", st.LastError, strings.TrimSpace(out))
			log.mu.Lock()
			defer log.mu.Unlock()
			assert.Zero(t, log.connects)
		})
	}
}

// TestDTLSGodot4Server: our DTLS client completes the cookie exchange and
// handshake with Godot 4.6.3's own DTLSServer; Godot receives our ENet
// CONNECT as one record in one datagram, answers with a VERIFY_CONNECT it
// builds, and receives the reliable packet we then send.
func TestDTLSGodot4Server(t *testing.T) {
	requireDTLS(t)
	godottest.Godot4.Require(t)
	ca := dtlstest.NewCA(t, "Godot test CA")
	cert, key := ca.Leaf(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	port := l.LocalAddr().(*net.UDPAddr).Port
	require.NoError(t, l.Close())
	payload := "reliable from Go to Godot's DTLSServer"
	proc := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/dtls/godot4_server.gd",
		"port="+strconv.Itoa(port), "cert="+base64.StdEncoding.EncodeToString(cert),
		"key="+base64.StdEncoding.EncodeToString(key), "payload="+payload)
	_, err = proc.WaitLine("LISTENING", 20*time.Second)
	require.NoError(t, err, proc.Output())
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.NoError(t, cli.DTLSClientSetup("localhost", ca.PEM, false))
	cp, err := cli.ConnectToHost("127.0.0.1", port, 2, 0)
	require.NoError(t, err)
	done := make(chan struct{})
	var out string
	var waitErr error
	go func() { out, waitErr = proc.Wait(); close(done) }()
	connected, sent := false, false
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			ev, err := cli.Service(5 * time.Millisecond)
			require.NoError(t, err)
			if ev.Type == EventConnect {
				connected = true
			}
			if connected && !sent {
				require.NoError(t, cp.Send(0, []byte(payload), FlagReliable))
				sent = true
			}
		}
	}
	require.NoError(t, waitErr, out)
	assert.True(t, connected, "our client got Godot's VERIFY_CONNECT")
	assert.Contains(t, out, "CONNECT command=0x82 channel=0xff ")
	assert.Contains(t, out, "channels=2 ")
	assert.Contains(t, out, "RECEIVED "+payload)
	st := cli.DTLSStats()
	assert.EqualValues(t, 1, st.Handshakes)
	assert.Contains(t, godotDTLSSuites, st.Cipher)
	t.Logf("our client with Godot 4.6.3's DTLSServer: %s\n%s", st.Cipher, out)
}

// TestDTLSGodot4EverySuite: Godot 4.6.3 completes a handshake and an ENet
// exchange with our server restricted to each one of the suites we
// accept, with an ECDSA or an RSA certificate as the suite needs.
func TestDTLSGodot4EverySuite(t *testing.T) {
	requireDTLS(t)
	godottest.Godot4.Require(t)
	ca := dtlstest.NewCA(t, "Godot test CA")
	rsaCert, rsaKey := ca.LeafRSA(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	for i, suite := range godotDTLSSuites {
		t.Run(suite, func(t *testing.T) {
			var cert, key []byte
			if strings.HasPrefix(suite, "ECDHE-RSA-") {
				cert, key = rsaCert, rsaKey
			}
			srv := dtlsServer(t, ca, cert, key)
			srv.mu.Lock()
			ok := hostDTLSRestrictCiphers(srv.c, suite)
			srv.mu.Unlock()
			require.True(t, ok)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			log, wait := g4DTLSServe(ctx, srv, "answer "+suite)
			proc := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/dtls/godot4_client.gd",
				"port="+strconv.Itoa(srv.LocalPort()), "ca="+base64.StdEncoding.EncodeToString(ca.PEM),
				"host=localhost", "mode=verify", "connect_id="+strconv.Itoa(100+i), "payload=over "+suite,
				"reply=answer "+suite)
			out, err := proc.Wait()
			cancel()
			wait()
			require.NoError(t, err, out)
			assert.Equal(t, suite, srv.DTLSStats().Cipher)
			log.mu.Lock()
			defer log.mu.Unlock()
			require.Len(t, log.received, 1)
			assert.Equal(t, "over "+suite, string(log.received[0]))
		})
	}
}
