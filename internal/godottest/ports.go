package godottest

import (
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
)

// Ports for Godot programs to bind, below the kernel's ephemeral range
// (32768 and up on Linux by default): a port taken with port 0 and closed
// again can be handed to any other socket that binds port 0 before the
// engine binds it, which the other test packages running at the same
// time do all the time. Ports below that range are only taken by binds
// that name them.
const (
	portLow  = 20000
	portHigh = 32768
)

// FreePorts returns n distinct UDP ports of 127.0.0.1 below the ephemeral
// range that were free a moment ago; it fails the test if it finds none.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	conns := make([]net.PacketConn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for try := 0; len(ports) < n && try < 1000; try++ {
		port := portLow + rand.IntN(portHigh-portLow)
		c, err := net.ListenPacket("udp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // taken (or ours already)
		}
		conns = append(conns, c)
		ports = append(ports, port)
	}
	if len(ports) < n {
		t.Fatalf("godottest: no %d free UDP ports in %d..%d", n, portLow, portHigh-1)
	}
	return ports
}
