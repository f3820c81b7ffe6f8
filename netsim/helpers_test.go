package netsim_test

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/netsim"
)

var loopback = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}

func addrOf(c *net.UDPConn) netip.AddrPort {
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// listen opens a UDP socket on 127.0.0.1 that is closed at test end.
func listen(t testing.TB) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", loopback)
	require.NoError(t, err)
	_ = c.SetReadBuffer(4 << 20)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// dial opens a client socket connected to addr.
func dial(t testing.TB, addr netip.AddrPort) *net.UDPConn {
	t.Helper()
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(addr))
	require.NoError(t, err)
	_ = c.SetReadBuffer(4 << 20)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newProxy(t testing.TB, target netip.AddrPort, cfg netsim.Config) *netsim.Proxy {
	t.Helper()
	p, err := netsim.New(target, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// echoServer echoes every datagram back to its sender. reply, if not nil,
// computes the reply from the request and the sender address. The returned
// stop function closes the socket and waits for the goroutine.
func echoServer(t testing.TB, reply func(req []byte, from netip.AddrPort) []byte) (*net.UDPConn, func()) {
	t.Helper()
	c := listen(t)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 65536)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue
			}
			out := buf[:n]
			if reply != nil {
				out = reply(out, from)
			}
			_, _ = c.WriteToUDPAddrPort(out, from)
		}
	}()
	var once sync.Once
	stop := func() { once.Do(func() { _ = c.Close(); wg.Wait() }) }
	t.Cleanup(stop)
	return c, stop
}

// arrival is one datagram seen by a collector.
type arrival struct {
	seq  uint64
	sent time.Time // send time embedded by the sender
	at   time.Time // arrival time
	size int
	data []byte
}

// collector reads datagrams on c in the background.
type collector struct {
	mu   sync.Mutex
	got  []arrival
	keep bool
	done chan struct{}
	c    *net.UDPConn
}

func collect(t testing.TB, c *net.UDPConn, keepData bool) *collector {
	col := &collector{keep: keepData, done: make(chan struct{}), c: c}
	go func() {
		defer close(col.done)
		buf := make([]byte, 65536)
		for {
			n, _, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue
			}
			a := arrival{at: time.Now(), size: n}
			if n >= 16 {
				a.seq = binary.BigEndian.Uint64(buf)
				a.sent = time.Unix(0, int64(binary.BigEndian.Uint64(buf[8:])))
			}
			if col.keep {
				a.data = append([]byte(nil), buf[:n]...)
			}
			col.mu.Lock()
			col.got = append(col.got, a)
			col.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = c.Close(); <-col.done })
	return col
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

func (c *collector) snapshot() []arrival {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]arrival(nil), c.got...)
}

// waitUntil polls cond until it is true or the timeout expires.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// seqPacket builds a datagram of size bytes (at least 16) carrying seq and
// the current time.
func seqPacket(seq uint64, size int) []byte {
	b := make([]byte, max(size, 16))
	binary.BigEndian.PutUint64(b, seq)
	binary.BigEndian.PutUint64(b[8:], uint64(time.Now().UnixNano()))
	for i := 16; i < len(b); i++ {
		b[i] = byte(seq*31 + uint64(i)*7)
	}
	return b
}

// sendSeq sends n sequence-numbered datagrams of the given size from c,
// never letting more than window datagrams wait unread in the proxy's
// socket, so that the kernel does not drop any.
func sendSeq(t testing.TB, p *netsim.Proxy, c *net.UDPConn, n, size, window int) {
	t.Helper()
	base := p.Stats().Up.Received
	for i := 0; i < n; i++ {
		if i%window == 0 && i > 0 {
			want := base + uint64(i)
			require.True(t, waitUntil(5*time.Second, func() bool { return p.Stats().Up.Received >= want }),
				"proxy did not read datagrams in time")
		}
		_, err := c.Write(seqPacket(uint64(i), size))
		require.NoError(t, err)
	}
	want := base + uint64(n)
	require.True(t, waitUntil(5*time.Second, func() bool { return p.Stats().Up.Received >= want }))
}

// settle waits until the up direction has nothing queued and the collector
// has seen everything forwarded.
func settle(t testing.TB, p *netsim.Proxy, col *collector) netsim.Stats {
	t.Helper()
	var st netsim.Stats
	ok := waitUntil(5*time.Second, func() bool {
		st = p.Stats()
		return st.Up.Queued == 0 && uint64(col.count()) >= st.Up.Forwarded
	})
	require.True(t, ok, "traffic did not settle: stats %+v, collected %d", st, col.count())
	// Let late datagrams (there should be none) show up.
	time.Sleep(20 * time.Millisecond)
	return p.Stats()
}

func seqs(as []arrival) []uint64 {
	r := make([]uint64, len(as))
	for i, a := range as {
		r[i] = a.seq
	}
	return r
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
