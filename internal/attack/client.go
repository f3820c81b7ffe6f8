// Package attack is a hostile ENet client over a raw UDP socket, written
// from the ENet 1.3 wire format (docs/hostile.md): it performs the
// connection handshake by hand, keeps the connection alive by
// acknowledging what the server sends, and sends the crafted commands of
// the attacks in attacks.go. It serves the attack tests of package enet and
// bench/attack. It does not import package enet.
package attack

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enetgo/enet/internal/enettest"
)

// ErrNoAnswer is returned by Dial when the server does not answer the
// connection request in time (it dropped or refused it).
var ErrNoAnswer = errors.New("attack: no VERIFY_CONNECT from the server")

// Client is one hand-made ENet connection (or a bare socket for
// connection requests that are never completed).
type Client struct {
	conn     *net.UDPConn
	server   netip.AddrPort
	peerID   uint16 // the server's slot for us
	session  uint8  // session bits of our headers
	channels int
	start    time.Time

	mu     sync.Mutex
	closed bool
	done   chan struct{}
	acks   atomic.Uint64 // reliable commands of the server we acknowledged
	heard  atomic.Int64  // when the server last sent us anything (ns since start)
	gone   atomic.Bool   // the server disconnected us
}

// Listen opens a raw socket on local (an IPv4 loopback address, port 0)
// for sending bare connection requests.
func Listen(local netip.Addr) (*net.UDPConn, error) {
	return net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, 0)))
}

// ConnectRequest builds a CONNECT datagram with the given connect ID and
// channel count.
func ConnectRequest(connectID uint32, channels int) []byte {
	b := enettest.Header(enettest.MaximumPeerID, 0, uint16(time.Now().UnixMilli()))
	b = enettest.AppendCommandHeader(b, enettest.CmdConnect|enettest.FlagAcknowledge, 0xFF, 1)
	b = binary.BigEndian.AppendUint16(b, 0) // outgoingPeerID: our slot 0
	b = append(b, 0xFF, 0xFF)               // session IDs: let the server pick
	for _, v := range []uint32{1392, 65536, uint32(channels), 0, 0, 5000, 2, 2, connectID, 0} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// Dial connects to server from local (port 0: a fresh port) with channels
// channels, completing the handshake within timeout, and then acknowledges
// the server's reliable commands until Close.
func Dial(local netip.Addr, server netip.AddrPort, channels int, timeout time.Duration) (*Client, error) {
	conn, err := Listen(local)
	if err != nil {
		return nil, err
	}
	c := &Client{conn: conn, server: server, channels: channels, start: time.Now(), done: make(chan struct{})}
	req := ConnectRequest(rand.Uint32(), channels)
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 4096)
	for time.Now().Before(deadline) {
		if _, err := conn.WriteToUDPAddrPort(req, server); err != nil {
			conn.Close()
			return nil, err
		}
		conn.SetReadDeadline(time.Now().Add(min(200*time.Millisecond, time.Until(deadline))))
		for {
			n, _, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				break // resend the request
			}
			if c.verify(buf[:n]) {
				c.heard.Store(int64(time.Since(c.start)))
				conn.SetReadDeadline(time.Time{})
				go c.serve()
				return c, nil
			}
		}
	}
	conn.Close()
	return nil, ErrNoAnswer
}

// verify acknowledges a VERIFY_CONNECT datagram and takes the slot and
// session from it; false for anything else.
func (c *Client) verify(d []byte) bool {
	if len(d) < 4+44 || binary.BigEndian.Uint16(d)&enettest.HeaderFlagSentTime == 0 {
		return false
	}
	cmd := d[4:]
	if cmd[0]&0x0F != enettest.CmdVerifyConnect {
		return false
	}
	c.peerID = binary.BigEndian.Uint16(cmd[4:])
	c.session = cmd[7] // the server's incoming session: what our headers carry
	ack := c.header()
	seq := binary.BigEndian.Uint16(cmd[2:])
	ack = enettest.AppendCommandHeader(ack, enettest.CmdAcknowledge, 0xFF, seq)
	ack = binary.BigEndian.AppendUint16(ack, seq)
	ack = binary.BigEndian.AppendUint16(ack, binary.BigEndian.Uint16(d[2:]))
	c.conn.WriteToUDPAddrPort(ack, c.server)
	return true
}

func (c *Client) header() []byte {
	return enettest.Header(c.peerID, c.session, uint16(time.Since(c.start).Milliseconds()))
}

// commandSize is the fixed size of each ENet command (protocol.h).
var commandSize = [13]int{0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24}

// serve reads the server's datagrams and acknowledges every command that
// asks for it, so the server keeps the connection.
func (c *Client) serve() {
	defer close(c.done)
	buf := make([]byte, 4096)
	for {
		n, _, err := c.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		d := buf[:n]
		c.heard.Store(int64(time.Since(c.start)))
		if n < 4 || binary.BigEndian.Uint16(d)&enettest.HeaderFlagSentTime == 0 {
			continue
		}
		sent := binary.BigEndian.Uint16(d[2:])
		ack := c.header()
		for p := d[4:]; len(p) >= 4; {
			num := p[0] & 0x0F
			if num == 0 || int(num) >= len(commandSize) || len(p) < commandSize[num] {
				break
			}
			size := commandSize[num]
			switch num {
			case enettest.CmdSendReliable:
				size += int(binary.BigEndian.Uint16(p[4:]))
			case enettest.CmdSendUnreliable, enettest.CmdSendUnsequenced:
				size += int(binary.BigEndian.Uint16(p[6:]))
			case enettest.CmdSendFragment, enettest.CmdSendUnreliableFragment:
				size += int(binary.BigEndian.Uint16(p[6:]))
			case enettest.CmdDisconnect:
				c.gone.Store(true)
			}
			if p[0]&enettest.FlagAcknowledge != 0 {
				seq := binary.BigEndian.Uint16(p[2:])
				ack = enettest.AppendCommandHeader(ack, enettest.CmdAcknowledge, p[1], seq)
				ack = binary.BigEndian.AppendUint16(ack, seq)
				ack = binary.BigEndian.AppendUint16(ack, sent)
				c.acks.Add(1)
			}
			if size > len(p) {
				break
			}
			p = p[size:]
		}
		if len(ack) > 4 {
			c.conn.WriteToUDPAddrPort(ack, c.server)
		}
	}
}

// Send sends one datagram carrying cmds (encoded commands, concatenated
// after our header).
func (c *Client) Send(cmds []byte) error {
	d := append(c.header(), cmds...)
	_, err := c.conn.WriteToUDPAddrPort(d, c.server)
	return err
}

// Disconnected reports whether the server sent us a DISCONNECT.
func (c *Client) Disconnected() bool { return c.gone.Load() }

// Silent reports whether the server has sent nothing for d: it dropped
// the connection without a word (as a guard cutting a peer does).
func (c *Client) Silent(d time.Duration) bool {
	return time.Since(c.start)-time.Duration(c.heard.Load()) > d
}

// Channels returns the channel count the client asked for.
func (c *Client) Channels() int { return c.channels }

// Close closes the socket without telling the server.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.conn.Close()
	<-c.done
	return err
}

// String names the connection.
func (c *Client) String() string {
	return fmt.Sprintf("attacker %v slot %d", c.conn.LocalAddr(), c.peerID)
}
