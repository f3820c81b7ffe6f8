// Package scene plays Godot's high-level multiplayer over package
// multiplayer: RPCs on nodes (Godot 4 SceneMultiplayer with @rpc, Godot 3
// MultiplayerAPI with remote/master/puppet and rset), the node-path cache
// in both directions, and Godot 4's spawn and sync replication messages.
// A Go server (or client) declares the nodes it plays and the methods they
// have, and then talks to Godot peers as if it had the same scene tree.
//
// # Declaring nodes
//
// A node is a path and its RPC methods with Godot's settings:
//
//	m := scene.New(server, scene.Config{})
//	chat, err := m.AddNode(scene.NodeConfig{
//		Path: "/root/Chat",
//		Methods: []scene.Method{
//			{Name: "say", Mode: scene.AnyPeer, Handler: onSay},    // @rpc("any_peer")
//			{Name: "heard", Mode: scene.Authority},                // @rpc("authority")
//		},
//	})
//
// Declare every method the Godot node has, including those only the other
// side receives (without a Handler): Godot 4 numbers a node's methods by
// their sorted names and checks an MD5 of the names (Node.Checksum), so a
// missing or extra name shifts the ids and is reported as ErrChecksum when
// the path is confirmed. Godot 3 sends method names, so only the modes
// matter there: AnyPeer is remote, Authority is puppet, and Master,
// RemoteSync, MasterSync and PuppetSync are Godot 3's other keywords.
//
// # Receiving
//
// Feed every event of the transport to Handle. Calls run their Handler
// with a *Call: the sender, the node, the method and the arguments as
// Values with typed accessors (c.Arg(0).String(), .Int(), .Vector2(), ...),
// each returning an error wrapping ErrArgs on a type mismatch. A call the
// method's mode refuses (ErrNotAllowed), an unknown node, path id or
// method, malformed bytes or a handler's error come back from Handle as an
// *Error; the packet is dropped and counted (Stats), and nothing is sent
// back, as in Godot.
//
// # Sending
//
// RPC (or Node.RPC, or Call.Reply) calls a method on one peer (to > 0),
// everyone (0) or everyone but N (-N), with the method's transfer mode and
// channel. The first call of a node to a peer sends SIMPLIFY_PATH and the
// call with the node's full path; once the peer confirmed the path, calls
// carry the short cache id, as Godot does. RSet sets a Godot 3 property.
// Godot 4's call_local (Method.CallLocal) and Godot 3's modes decide
// whether the caller runs a call itself, and Godot 3's master calling its
// own master method runs it without sending, as Godot 3 does.
// Spawn, Despawn and Sync send Godot 4 replication messages that a Godot
// client's MultiplayerSpawner and MultiplayerSynchronizer apply (custom
// spawns with an argument and scene-index spawns of the spawner's
// spawnable scenes); PathNetID gives a synchronizer's id when it exists on
// both sides.
//
// # Visibility
//
// A Visibility mirrors a MultiplayerSynchronizer's public_visibility,
// set_visibility_for and visibility filters. Set as NodeConfig.Visibility
// it restricts the node's RPCs as Godot's is_rpc_visible does; SpawnTo,
// DespawnTo and SyncTo send replication to exact peer lists such as
// Visibility.Filter(m.Peers()).
//
// # Relaying
//
// Calls between clients go through the server's relay in package
// multiplayer (SceneMultiplayer's SYS RELAY in Godot 4, the
// NetworkedMultiplayerENet header's target in Godot 3); Call.From is the
// true sender, and path caches are kept per sender, as in Godot.
//
// # Limits
//
// Everything a peer sends is bounded: a peer can create at most
// Config.MaxCachedPaths path cache ids on this side; argument counts are
// checked against the bytes present before anything is allocated; Godot 3
// paths of undeclared nodes are kept only up to 256 bytes. A peer's state
// is dropped when it leaves.
//
// # Compatibility
//
// Tested against real engines: Godot 4.6.3 (clients calling a Go server in
// every transfer mode and on a custom channel, Variant arguments in their
// compact form, 40 node paths, two clients calling each other through a Go
// server, Go clients on a Godot server and through its relay, a refused
// call, a checksum mismatch, server-driven custom and scene-index spawns,
// sync and delta, a Godot server's scene spawns decoded by Go clients,
// visibility deciding who gets spawns, syncs and RPCs), Godot 3.6.2 and
// 3.2.3 (Godot clients on a Go server and a Go client on a Godot server:
// rpc, rpc_id, rpc_unreliable, rset in both directions, remotesync,
// refused puppet calls, every mode's local shortcut, a Go client's
// broadcasts relayed to Godot clients). Godot 4.0-4.2 confirm paths with another CONFIRM_PATH
// layout: set Config.Confirm to Confirm40 for them (not tested against
// those engines). docs/rpc.md describes every layout.
package scene
