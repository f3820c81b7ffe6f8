// Command demo starts an ENet echo server and three clients in one process,
// lets them talk for a few seconds over loopback, and prints a per-peer
// table of state, round-trip time, packet loss, throttle and traffic.
//
//	go run ./examples/demo [-clients 3] [-duration 3s]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/enetgo/enet"
)

func main() {
	clients := flag.Int("clients", 3, "number of clients")
	duration := flag.Duration("duration", 3*time.Second, "how long the clients talk")
	flag.Parse()
	if err := run(*clients, *duration); err != nil {
		log.Fatal(err)
	}
}

func run(nClients int, duration time.Duration) error {
	fmt.Printf("ENet %s via github.com/enetgo/enet\n", enet.LinkedVersion())
	_, io := enet.BatchedIO()
	fmt.Printf("batched I/O %s\n", io)
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 64, MaxChannels: 4})
	if err != nil {
		return err
	}
	defer srv.Destroy()
	fmt.Printf("echo server listening on %v\n", srv.LocalAddr())

	// The server echoes every packet on the channel and with the
	// reliability it arrived with.
	stopServer := make(chan struct{})
	var serverDone sync.WaitGroup
	serverDone.Add(1)
	go func() {
		defer serverDone.Done()
		buf := make([]byte, 0, 4096)
		for {
			select {
			case <-stopServer:
				return
			default:
			}
			ev, err := srv.ServiceInto(50*time.Millisecond, buf)
			if err != nil {
				return
			}
			switch ev.Type {
			case enet.EventConnect:
				fmt.Printf("server: %v connected (data %d)\n", ev.Peer.RemoteAddrPort(), ev.Data)
			case enet.EventDisconnect:
				fmt.Printf("server: %v disconnected (data %d)\n", ev.Peer, ev.Data)
			case enet.EventReceive:
				flags := ev.Flags &^ enet.FlagUnreliableFragment
				if err := ev.Peer.Send(ev.Channel, ev.Packet, flags); err != nil {
					fmt.Println("server: echo:", err)
				}
			}
		}
	}()

	type client struct {
		host   *enet.Host
		peer   *enet.Peer
		echoed int
		bad    int
		sent   int
	}
	cs := make([]*client, nClients)
	var wg sync.WaitGroup
	for i := range cs {
		h, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1})
		if err != nil {
			return err
		}
		defer h.Destroy()
		p, err := h.ConnectToHost("127.0.0.1", srv.LocalPort(), 4, uint32(100+i))
		if err != nil {
			return err
		}
		c := &client{host: h, peer: p}
		cs[i] = c
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			end := time.Now().Add(duration)
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			connected := false
			// Talk until end, then keep listening for up to half a
			// second (sending nothing) for the echoes still on their way.
			for now := time.Now(); now.Before(end) || c.echoed < c.sent && now.Before(end.Add(500*time.Millisecond)); now = time.Now() {
				talking := now.Before(end)
				ev, err := c.host.Service(5 * time.Millisecond)
				if err != nil {
					return
				}
				switch ev.Type {
				case enet.EventConnect:
					connected = true
				case enet.EventReceive:
					b, _ := ev.Peer.Packet()
					if bytes.HasPrefix(b, []byte(fmt.Sprintf("client %d ", id))) {
						c.echoed++
					} else {
						c.bad++
					}
				}
				select {
				case <-tick.C:
					if connected && talking {
						size := 16 << (c.sent % 8) // 16 B .. 2 KiB
						msg := fmt.Appendf(nil, "client %d msg %d ", id, c.sent)
						msg = append(msg, bytes.Repeat([]byte{'.'}, size)...)
						flags := []enet.PacketFlags{enet.FlagReliable, enet.FlagUnsequenced, 0}[c.sent%3]
						if c.peer.Send(c.sent%4, msg, flags) == nil {
							c.sent++
						}
					}
				default:
				}
			}
		}(i)
	}
	wg.Wait()

	printTable(os.Stdout, "server's peers", srv.Peers())
	var clientPeers []*enet.Peer
	for _, c := range cs {
		clientPeers = append(clientPeers, c.peer)
	}
	printTable(os.Stdout, "clients' peers (the server, seen from each client)", clientPeers)
	for i, c := range cs {
		fmt.Printf("client %d: sent %d, echoed back %d (unreliable ones may be dropped), corrupt %d\n", i, c.sent, c.echoed, c.bad)
	}

	// Graceful goodbye: each client disconnects and waits for the ack.
	for _, c := range cs {
		c.peer.Disconnect(0)
		for i := 0; i < 100 && c.peer.IsActive(); i++ {
			c.host.Service(10 * time.Millisecond)
		}
	}
	time.Sleep(100 * time.Millisecond)
	close(stopServer)
	serverDone.Wait()
	sent, _ := srv.PopStatistic(enet.HostTotalSentData)
	recv, _ := srv.PopStatistic(enet.HostTotalReceivedData)
	fmt.Printf("server totals: %d bytes sent, %d bytes received in UDP datagrams\n", sent, recv)
	return nil
}

func printTable(w *os.File, title string, peers []*enet.Peer) {
	fmt.Fprintf(w, "\n%s:\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "peer\tstate\trtt ms\trtt var\tloss %\tthrottle\tlimit\tpkts out\tbytes out\tpkts in\tbytes in\t")
	for _, p := range peers {
		s := p.Statistics()
		fmt.Fprintf(tw, "%v\t%v\t%d\t%d\t%.2f\t%d/%d\t%d\t%d\t%d\t%d\t%d\t\n",
			p.RemoteAddrPort(), p.State(), s[enet.PeerRoundTripTime], s[enet.PeerRoundTripTimeVariance],
			100*float64(s[enet.PeerPacketLoss])/enet.PacketLossScale,
			s[enet.PeerPacketThrottle], enet.PacketThrottleScale, s[enet.PeerPacketThrottleLimit],
			s[enet.PeerPacketsSent], s[enet.PeerBytesSent], s[enet.PeerPacketsReceived], s[enet.PeerBytesReceived])
	}
	tw.Flush()
}
