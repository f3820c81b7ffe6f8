package enet

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// listenUDP opens a plain UDP socket on loopback, closed after the test.
func listenUDP(t testing.TB) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func udpPort(c *net.UDPConn) int { return int(c.LocalAddr().(*net.UDPAddr).AddrPort().Port()) }
