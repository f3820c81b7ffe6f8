# Godot 4 clients against enetgo's Godot4 multiplayer.Server started with
# refuse_new_connections on and server_relay off (the Go test runs it).
#
# Arguments: port=<server port>.
# First client r connects while the server refuses: it must end up
# disconnected (ENet completes the handshake first, so Godot may report it
# connected for a moment); its signals are printed "SIG r <signal>". Then
# the program prints "REFUSED" and waits until the Go side accepts again.
# Clients a and b connect (own SceneMultiplayer each); without relaying they
# must not hear of each other; a's send_bytes to b ("a2b", printed "SEND TO
# B err=<error>"; Godot 4 sends it as a RELAY without checking), to the
# server ("a2srv") and to everyone ("a2all", a RELAY too) go out, and
# packets a or b get are printed "GOT <who> ...". Prints "IDS a=<id> b=<id>",
# then PASS, or "FAIL: reason".
extends SceneTree

var mps = {}
var seen = {"a": {}, "b": {}}
var rsig = []
var state = "refused"
var deadline = 0
var wait_until = 0
var r


func arg(name):
	for x in OS.get_cmdline_user_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1)
	return ""


func fail(msg):
	print("FAIL: ", msg)
	state = "done"
	quit(1)


func make(who, port):
	var peer = ENetMultiplayerPeer.new()
	if peer.create_client("127.0.0.1", port) != OK:
		return null
	var mp = SceneMultiplayer.new()
	if who == "r":
		mp.connected_to_server.connect(func(): rsig.append("connected_to_server"); print("SIG r connected_to_server"))
		mp.connection_failed.connect(func(): rsig.append("connection_failed"); print("SIG r connection_failed"))
		mp.server_disconnected.connect(func(): rsig.append("server_disconnected"); print("SIG r server_disconnected"))
	else:
		mp.peer_connected.connect(func(id): seen[who][id] = true)
		mp.peer_packet.connect(func(id, data): print("GOT ", who, " from=", id, " data=", data.get_string_from_utf8()))
	var n = Node.new()
	n.name = who
	root.add_child(n)
	set_multiplayer(mp, NodePath("/root/" + who))
	mp.multiplayer_peer = peer
	return mp


func _initialize():
	r = make("r", int(arg("port")))
	deadline = Time.get_ticks_msec() + 8000


func connected(mp):
	return mp.multiplayer_peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED


func _process(_delta):
	OS.delay_msec(3)
	if state == "done":
		return true
	if Time.get_ticks_msec() > deadline:
		fail("timeout in state " + state + " r=" + str(rsig) + " seen=" + str(seen))
		return true
	match state:
		"refused":
			if r.multiplayer_peer.get_connection_status() != MultiplayerPeer.CONNECTION_DISCONNECTED:
				return false
			print("REFUSED")
			wait_until = Time.get_ticks_msec() + 500
			state = "pause"
		"pause":
			if Time.get_ticks_msec() < wait_until:
				return false
			var port = int(arg("port"))
			mps["a"] = make("a", port)
			mps["b"] = make("b", port)
			deadline = Time.get_ticks_msec() + 5000
			state = "connect"
		"connect":
			if not (connected(mps["a"]) and connected(mps["b"])):
				return false
			print("IDS a=", mps["a"].get_unique_id(), " b=", mps["b"].get_unique_id())
			wait_until = Time.get_ticks_msec() + 200
			state = "settle"
		"settle":
			if Time.get_ticks_msec() < wait_until:
				return false
			var ida = mps["a"].get_unique_id()
			var idb = mps["b"].get_unique_id()
			if seen["a"].has(idb) or seen["b"].has(ida):
				fail("clients heard of each other without relay: " + str(seen))
				return true
			if mps["a"].get_peers() != PackedInt32Array([1]):
				fail("a's peers: " + str(mps["a"].get_peers()))
				return true
			# Godot 4's client does not check the target of a relayed
			# send_bytes: it goes out as a RELAY that the server drops.
			print("SEND TO B err=", mps["a"].send_bytes("a2b".to_utf8_buffer(), idb))
			if mps["a"].send_bytes("a2srv".to_utf8_buffer(), 1) != OK or mps["a"].send_bytes("a2all".to_utf8_buffer(), 0) != OK:
				fail("send_bytes to the server")
				return true
			wait_until = Time.get_ticks_msec() + 200
			state = "end"
		"end":
			if Time.get_ticks_msec() < wait_until:
				return false
			mps["a"].multiplayer_peer.close()
			mps["b"].multiplayer_peer.close()
			print("PASS")
			state = "done"
			quit(0)
			return true
	return false
