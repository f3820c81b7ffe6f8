// Package enet is a Go binding over the reference C ENet library (reliable,
// ordered UDP with channels) that behaves like Godot's ENetConnection and
// ENetPacketPeer, so a Go server is a drop-in peer for Godot games.
//
// # Lifecycle
//
// A Host (Godot ENetConnection) owns one UDP socket. Create a server with
// CreateHostBound and a client with CreateHost, then call Service in a loop:
// it sends what is queued, receives datagrams and returns one Event at a
// time (connect, disconnect, receive, or none after the timeout).
//
//	srv, err := enet.CreateHostBound("*", 7777, enet.HostConfig{MaxPeers: 64})
//	...
//	for {
//		ev, err := srv.Service(100 * time.Millisecond)
//		if err != nil {
//			return err // the host was destroyed
//		}
//		switch ev.Type {
//		case enet.EventConnect:    // ev.Peer is new; ev.Data is its connect data
//		case enet.EventReceive:    // data, _ := ev.Peer.Packet()
//		case enet.EventDisconnect: // ev.Peer is now inactive for good
//		}
//	}
//
// A Peer (Godot ENetPacketPeer) stands for one connection. It is active from
// ConnectToHost (or its incoming EventConnect) until its EventDisconnect, or
// until Reset or DisconnectNow, or until the host is destroyed; then it is
// inactive for good and every method returns ErrUnconfigured or a zero
// value. When ENet reuses the slot for a new connection, that connection
// gets a new *Peer. Destroy (or Close) frees the host; forgetting it is
// caught by a GC cleanup, but do not rely on that.
//
// # Threading
//
// Host and Peer methods are safe for concurrent use. One mutex per host
// guards every C call on that host and its peers, and no C call blocks while
// holding it. While Service waits it holds no lock: it sleeps in C, in
// poll on the ENet socket as C ENet's own loop does, keeping its OS
// thread (the runtime hands its P to other goroutines that need one). A Send from another goroutine, or Destroy, wakes a
// waiting Service, which flushes the packet at once. HostConfig.BusyPoll
// makes it poll for a bounded time before it sleeps. One Service drains
// or waits at a time per host; Services in several goroutines share the
// events, each event going to exactly one of them.
//
// # Packet ownership
//
// Send copies the data before it returns: into a Go buffer of the host
// that the next C call on the host hands to ENet with every other packet
// sent since (one crossing for the lot), or, above 4 KiB, straight into an
// ENet packet. Received packets are copied out of C memory: Service queues
// a copy on the peer (read it with Peer.Packet), as Godot does;
// ServiceInto appends it to a buffer you pass, so a server can receive
// without allocating, and ServiceBatch hands out every ready event at once
// with the packets back to back in one buffer. No Go pointer is kept in C memory, and C memory is
// never handed out.
//
// ENet allocates through a small-block cache per OS thread (blocks up to
// 1088 bytes, at most 256 KiB kept per thread, given back when the thread
// exits), which serves the bursts of packet and command blocks a drained
// batch frees and its answers allocate. Set the environment variable
// ENETGO_ALLOCATOR=malloc before the first host is created to have ENet use
// plain malloc and free instead.
//
// # Datagram I/O
//
// C ENet makes one sendmsg per datagram it sends and one recvmsg per
// datagram it reads. This package defines ENet's enet_socket_send and
// enet_socket_receive itself, and the shared libenet calls those in place of
// its own. Inside the package's service and flush calls, the datagrams
// ENet sends past the first 8 of a step are collected and leave with one
// sendmmsg per batch (before ENet reads the socket, and when the call
// returns), and reads past the first 8 datagrams of a call come in
// recvmmsg batches of up to 16: a server answering many peers, or moving
// large packets, makes one system call per batch instead of one per
// datagram. The first reads ask recvmmsg for two datagrams, so when the
// socket held one, the read that would only have found it empty is
// answered without a system call. ENet sees the same bytes, addresses and results
// (EAGAIN, an oversized datagram) as from its own functions, and every other
// call, from any thread or library, goes straight to the socket as ENet's
// would. Each host keeps about 130 KiB of address space for its batches.
//
// Whether the shared libenet calls the package's definitions depends on how
// it was linked, so the package does not assume it: once per process it
// serves a probe host and sees whether ENet's read came through. A static
// libenet, or one linked with -Bsymbolic-functions (Ubuntu's packages),
// calls its own, and hosts then keep ENet's own I/O; so do all hosts off
// Linux and with the enetgo_portable build tag. BatchedIO reports which,
// and why. Set the environment variable ENETGO_BATCHIO=0 before creating a
// host to have that host use ENet's own I/O too. docs/platforms.md has
// the details, and what differs between ENet 1.3.17 and 1.3.18.
//
// # Godot mapping
//
//	Godot ENetConnection           this package
//	create_host(...)               CreateHost(HostConfig{...})
//	create_host_bound(a, p, ...)   CreateHostBound(a, p, HostConfig{...})
//	connect_to_host(a, p, ch, d)   Host.ConnectToHost(a, p, ch, d)
//	service(timeout)               Host.Service(timeout) / Host.ServiceInto / Host.ServiceBatch
//	flush()                        Host.Flush
//	bandwidth_limit(in, out)       Host.BandwidthLimit
//	channel_limit(n)               Host.ChannelLimit
//	broadcast(ch, pkt, flags)      Host.Broadcast
//	compress(mode)                 Host.Compress / Host.CompressLevel
//	refuse_new_connections(b)      Host.RefuseNewConnections
//	pop_statistic(s)               Host.PopStatistic (Host.Statistic reads without reset)
//	get_max_channels()             Host.MaxChannels
//	get_local_port()               Host.LocalPort (Host.LocalAddr)
//	get_peers()                    Host.Peers
//	socket_send(a, p, pkt)         Host.SocketSend
//	destroy()                      Host.Destroy / Host.Close
//
//	Godot ENetPacketPeer           this package
//	get_channels()                 Peer.Channels
//	get_packet_flags()             Peer.PacketFlags
//	get_remote_address()/port()    Peer.RemoteAddress / RemotePort / RemoteAddrPort
//	get_state()                    Peer.State
//	get_statistic(s)               Peer.Statistic (Peer.Statistics: all 14)
//	is_active()                    Peer.IsActive
//	peer_disconnect(d)             Peer.Disconnect
//	peer_disconnect_later(d)       Peer.DisconnectLater
//	peer_disconnect_now(d)         Peer.DisconnectNow
//	ping() / ping_interval(ms)     Peer.Ping / Peer.PingInterval
//	reset()                        Peer.Reset
//	send(ch, pkt, flags)           Peer.Send
//	set_timeout(t, min, max)       Peer.SetTimeout
//	throttle_configure(i, a, d)    Peer.ThrottleConfigure
//	put_packet / get_packet        Peer.PutPacket / Peer.Packet
//	get_available_packet_count()   Peer.AvailablePacketCount
//	put_var / get_var              Peer.PutVar / Peer.Var
//
// Godot's void methods return an error here where Godot would log one.
// Errors are sentinels matched with errors.Is (ErrUnconfigured,
// ErrInvalidParameter, ...), each able to report the Godot Error code it
// mirrors through GodotCode.
//
// # Building
//
// The package links the system's ENet (1.3.17 or newer) through pkg-config,
// plus zlib and zstd for Godot's compressors: on Debian and Ubuntu,
// apt-get install libenet-dev pkg-config libzstd-dev zlib1g-dev. cgo must be
// enabled. Upstream ENet speaks IPv4 only. Hosts reach IPv6 all the same
// (dual-stack, as Godot 4's): where libenet's socket calls reach the
// package, by translating addresses at the socket; elsewhere on Linux
// (Ubuntu's libenet, a static one, the enetgo_portable tag), or with the
// environment variable ENETGO_IPV6_RELAY=1, through a relay thread per
// host that carries IPv6 while IPv4 stays on ENet's own socket.
// IPv6Supported says which; where neither is possible IPv6 addresses are
// rejected with ErrIPv6Unsupported.
package enet
