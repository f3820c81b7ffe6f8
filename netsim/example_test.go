package netsim_test

import (
	"fmt"
	"net"
	"time"

	"github.com/enetgo/enet/netsim"
)

// This example puts a proxy with 10 ms of delay in each direction between a
// UDP echo server and a client, both plain net.UDPConn sockets on loopback.
func Example() {
	server, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		panic(err)
	}
	defer server.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := server.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			_, _ = server.WriteToUDPAddrPort(buf[:n], from)
		}
	}()

	link := netsim.Link{Delay: 10 * time.Millisecond, Loss: 0}
	p, err := netsim.New(server.LocalAddr().(*net.UDPAddr).AddrPort(), netsim.Symmetric(link))
	if err != nil {
		panic(err)
	}
	defer p.Close()

	client, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(p.Addr()))
	if err != nil {
		panic(err)
	}
	defer client.Close()

	start := time.Now()
	if _, err := client.Write([]byte("hello through a slow link")); err != nil {
		panic(err)
	}
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1500)
	n, err := client.Read(buf)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(buf[:n]))
	fmt.Println("round trip at least 20ms:", time.Since(start) >= 20*time.Millisecond)
	st := p.Stats()
	fmt.Println("clients:", st.Clients, "received up:", st.Up.Received)
	// Output:
	// hello through a slow link
	// round trip at least 20ms: true
	// clients: 1 received up: 1
}
