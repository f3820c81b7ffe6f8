# A Godot 4 ENetMultiplayerPeer server under the SceneTree's
# SceneMultiplayer and a Godot 4 client "cli" under its own
# SceneMultiplayer, in one process; enetgo's Godot4 multiplayer.Client and
# raw ENet clients join from the Go test.
#
# Arguments: port=<port to listen on>, goid=<the Go client's id>.
# Prints "LISTENING port=<port>", "CLIENT id=<id>" once cli is connected,
# "CONNECTED id=<id>" / "DISCONNECTED id=<id>" for the server's
# peer_connected / peer_disconnected, "CLISEES id=<id>" / "CLILOST id=<id>"
# for cli's, and "GOT srv|cli from=<id> data=<text>" for every send_bytes
# packet (peer_packet). When both see the Go client, the server
# send_bytes "srv2go:<mode>" for every mode and "srv2go:ch2" (reliable,
# channel 2) to it, and "srv2notcli" to -cli; cli sends "cli2go:<mode>" and
# "cli2go:ch2" through the relay. cli leaves when it gets "leave" from the
# Go client. The program ends with PASS when the Go client leaves, or
# "FAIL: reason" after 20 s.
extends SceneTree

var srv
var cli
var goid = 0
var state = "start"
var deadline = 0
var srv_seen = {}
var cli_seen = {}


func arg(name):
	for x in OS.get_cmdline_user_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1)
	return ""


func _process(_delta):
	OS.delay_msec(3)
	match state:
		"start":
			var port = int(arg("port"))
			goid = int(arg("goid"))
			var peer = ENetMultiplayerPeer.new()
			if peer.create_server(port, 8) != OK:
				print("FAIL: create_server")
				quit(1)
				state = "done"
				return true
			srv = get_multiplayer()
			srv.peer_connected.connect(func(id): srv_seen[id] = true; print("CONNECTED id=", id))
			srv.peer_disconnected.connect(func(id): srv_seen.erase(id); print("DISCONNECTED id=", id))
			srv.peer_packet.connect(func(id, data): print("GOT srv from=", id, " data=", data.get_string_from_utf8()))
			srv.multiplayer_peer = peer
			print("LISTENING port=", port)
			var cpeer = ENetMultiplayerPeer.new()
			if cpeer.create_client("127.0.0.1", port) != OK:
				print("FAIL: create_client")
				quit(1)
				state = "done"
				return true
			cli = SceneMultiplayer.new()
			cli.peer_connected.connect(func(id): cli_seen[id] = true; print("CLISEES id=", id))
			cli.peer_disconnected.connect(func(id): cli_seen.erase(id); print("CLILOST id=", id))
			cli.peer_packet.connect(func(id, data):
				var text = data.get_string_from_utf8()
				print("GOT cli from=", id, " data=", text)
				if text == "leave" and id == goid:
					print("CLIENT LEAVING")
					cli.multiplayer_peer.close())
			var n = Node.new()
			n.name = "cli"
			root.add_child(n)
			set_multiplayer(cli, NodePath("/root/cli"))
			cli.multiplayer_peer = cpeer
			deadline = Time.get_ticks_msec() + 20000
			state = "wait_cli"
		"wait_cli":
			if cli.multiplayer_peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED and cli_seen.has(1):
				print("CLIENT id=", cli.get_unique_id())
				state = "wait_go"
		"wait_go":
			if srv_seen.has(goid) and cli_seen.has(goid):
				print("SENDING")
				var cid = cli.get_unique_id()
				for m in [MultiplayerPeer.TRANSFER_MODE_UNRELIABLE, MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED, MultiplayerPeer.TRANSFER_MODE_RELIABLE]:
					srv.send_bytes(("srv2go:%d" % m).to_utf8_buffer(), goid, m)
					cli.send_bytes(("cli2go:%d" % m).to_utf8_buffer(), goid, m)
				srv.send_bytes("srv2go:ch2".to_utf8_buffer(), goid, MultiplayerPeer.TRANSFER_MODE_RELIABLE, 2)
				cli.send_bytes("cli2go:ch2".to_utf8_buffer(), goid, MultiplayerPeer.TRANSFER_MODE_RELIABLE, 2)
				srv.send_bytes("srv2notcli".to_utf8_buffer(), -cid)
				state = "wait_end"
		"wait_end":
			if srv_seen.has(goid):
				pass
			elif state == "wait_end":
				print("PASS")
				srv.multiplayer_peer.close()
				state = "done"
				quit(0)
				return true
		"done":
			return true
	if Time.get_ticks_msec() > deadline and deadline > 0:
		print("FAIL: timeout in state ", state)
		state = "done"
		quit(1)
		return true
	return false
