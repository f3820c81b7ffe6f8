// Package multiplayer speaks Godot's high-level multiplayer protocols over
// ENet, so that a dedicated server or a bot written in Go can join games
// whose other side is Godot's NetworkedMultiplayerENet (Godot 3) or
// ENetMultiplayerPeer with SceneMultiplayer (Godot 4).
//
// # Dialects
//
// Godot3 is NetworkedMultiplayerENet of Godot 3 (3.2 to 3.6): every data packet starts
// with an 8-byte header (source id u32, target id i32, little-endian);
// ENet channel 0 carries 8-byte ADD_PEER / REMOVE_PEER system messages from
// the server; reliable packets use ENet channel 1 and unreliable ones channel
// 2; a custom transfer channel N is ENet channel N directly (channel_count,
// default 3, sets how many exist).
//
// Godot4 is ENetMultiplayerPeer with SceneMultiplayer's SYS layer: packets
// carry no header; reliable ones use ENet channel 0, unreliable ones channel 1
// with the unreliable-fragment flag, and custom channel N is ENet channel
// N+1. Peer lists and relaying are SYS packets [7][cmd][id i32] with cmd
// ADD_PEER 1, DEL_PEER 2 and RELAY 3. In this dialect the data of Send and
// Packet is a SceneMultiplayer packet: its byte 0 is a command (3 for RAW,
// see SendBytes). Authentication (SYS AUTH, [7][0][data], with [7][0]
// meaning "completed") is available through ServerConfig.Auth and
// ClientConfig.Auth; without them a server drops AUTH packets and admits
// clients at once, as a Godot server without an auth_callback does.
//
// In both dialects the server's id is 1 and a client's id is a random 31-bit
// number of at least 2 sent as the ENet connect data.
//
// # Servers, clients and events
//
// NewServer listens; Dial connects and returns once the connection is up.
// Each runs one goroutine that services ENet and queues events, without
// limit, for the Events channel: PeerJoined, PeerLeft, Packet and, with
// authentication, AuthFailed. A server
// reports every client that joins and leaves; a client reports the server
// (PeerJoined{ID: 1} first, PeerLeft{ID: 1} last) and the other clients the
// server announces. Close disconnects gracefully (queued packets go out
// first, bounded by a timeout), stops the goroutines and closes Events.
//
// All methods are safe for concurrent use, except from inside an AuthFunc,
// which runs in the service goroutine with the state locked and must not
// call the Server's or Client's methods. Received packet data belongs to
// the receiver; Send copies its argument.
//
// # Targets and transfer modes
//
// Send's target follows Godot's set_target_peer: 0 is everyone, 1 the
// server, N client N and -N everyone but N. A client's packets for other
// clients go through the server, which relays them unless ServerConfig.NoRelay
// is set, keeping the true source: Packet.From is the client that sent it.
// TransferMode values are Godot's: Unreliable 0, UnreliableOrdered 1,
// Reliable 2.
//
// # Rules the server enforces
//
// Like Godot's servers, a Server silently resets a connection whose id is
// below 2 or already in use. It also resets ids of 2^31 and above, as
// Godot 3 does; Godot 4.6.3 admits those and reports them as negative ids,
// which no target can name alone (-N means everyone but N), so a Server
// refuses them in both dialects. With the Godot3 dialect it drops client packets shorter than 8
// bytes, packets whose header source is not the sender, and anything a
// client sends on channel 0. Relaying follows Godot 3's table: target 1 is
// delivered to the server only; 0 to the server and every other client; -N
// to every client but the sender and N, and to the server unless N is 1; N
// to client N only. Without relaying only target 1 is delivered. The Godot4
// dialect follows SceneMultiplayer's RELAY rules instead: the server drops
// a RELAY to an unknown peer, rewrites the target as the source, and
// processes the inner packet itself for targets 0 and below -1.
//
// A Client drops Godot 3 data packets shorter than 8 bytes and system
// messages shorter than 8 bytes.
//
// # RAW payloads
//
// GDScript's get_tree().multiplayer.send_bytes() puts a RAW command byte in
// front of the payload (4 in Godot 3, 3 in Godot 4) and delivers received
// ones through the network_peer_packet (Godot 3) or peer_packet (Godot 4)
// signal. Server.SendBytes and Client.SendBytes add the byte; DecodeRaw
// removes it.
//
// # Compatibility
//
//	Peer                 Dialect  Status
//	Godot 3.2.3          Godot3   tested against the real engine: Godot
//	                              clients through a Go server, a Go client
//	                              on a Godot server, Godot's silent rules,
//	                              send_bytes RAW, refused connections,
//	                              relay off
//	Godot 3.6.2          Godot3   the same tests against the real engine,
//	                              with Compression: enet.CompressRangeCoder
//	                              (the default of Godot 3.4 and later)
//	Godot 4.6.3          Godot4   tested against the real engine
//	                              (ENetMultiplayerPeer + SceneMultiplayer):
//	                              clients through a Go server, a Go client
//	                              on a Godot server, relay for every target,
//	                              modes and channels, send_bytes RAW, auth
//	                              both ways, refused connections, relay off
//
// docs/multiplayer.md in the repository lists every fact this package
// relies on and the engine version that confirmed it.
//
// Compression is not negotiated: ServerConfig.Compression and
// ClientConfig.Compression must match the Godot side's compression_mode.
// A mismatch does not even let the handshake through: a Godot 3.6 peer at
// its defaults and a Server or Client at theirs never connect.
//
// # Godot mapping
//
//	Godot                                      This package
//	create_server(port, max_clients)           NewServer(d, addr, port, ServerConfig{MaxClients})
//	create_client(address, port)               Dial(d, address, port, ClientConfig{})
//	set_target_peer + put_packet               Server.Send, Client.Send (target argument)
//	transfer_mode, transfer_channel            Send's mode and channel arguments
//	channel_count (Godot 3)                    ServerConfig.Channels, ClientConfig.Channels
//	server_relay                               ServerConfig.NoRelay (inverted)
//	refuse_new_connections                     ServerConfig.RefuseNewConnections, Server.RefuseNewConnections
//	get_unique_id                              Client.ID (the server is 1)
//	get_packet_peer / _channel / _mode         Packet.From, Packet.Channel, Packet.Mode
//	peer_connected / peer_disconnected         PeerJoined, PeerLeft
//	connection_succeeded / server_disconnected Dial returning / PeerLeft{ID: 1}
//	disconnect_peer(id, now)                   Server.DisconnectPeer(id, now)
//	close_connection                           Server.Close, Client.Close
//	multiplayer.send_bytes                     Server.SendBytes, Client.SendBytes
package multiplayer
