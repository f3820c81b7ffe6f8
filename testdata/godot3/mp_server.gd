# A Godot 3 NetworkedMultiplayerENet server and a Godot 3 client in one
# process; enetgo's Godot3 multiplayer.Client and raw ENet clients join from
# the Go test.
#
# Arguments: port=<port to listen on>, goid=<the Go client's id>.
# Prints "LISTENING port=<port>", then "CLIENT id=<id>" once its own client
# is connected, "CONNECTED id=<id>" / "DISCONNECTED id=<id>" for every
# peer_connected / peer_disconnected of the server, and "GOT srv|cli
# from=<id> ch=<channel> data=<text>" for every packet. When the server sees
# the Go client, the server and the client each send it one packet per
# transfer mode ("srv2go:<mode>", "cli2go:<mode>", the latter through the
# server's relay). Once the client got "go2cli:<mode>" for every mode from
# the Go client it leaves. The program ends when the Go client leaves, and
# checks that the server got "go2srv:<mode>" and "go2all" from the Go client
# and "legit" from the raw client 777777. Then PASS, or "FAIL: reason".
extends SceneTree

var srv
var cli
var got = {"srv": [], "cli": []}
var cli_seen = {}
var srv_seen = {}
var srv_left = {}


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func _on_srv_connected(id):
	srv_seen[id] = true
	print("CONNECTED id=", id)


func _on_srv_disconnected(id):
	srv_left[id] = true
	print("DISCONNECTED id=", id)


func _on_cli_connected(id):
	cli_seen[id] = true
	print("CLIENT SEES id=", id)


func drain(p, who):
	while p.get_available_packet_count() > 0:
		var from = p.get_packet_peer()
		var ch = p.get_packet_channel()
		var text = p.get_packet().get_string_from_utf8()
		got[who].append([from, ch, text])
		print("GOT ", who, " from=", from, " ch=", ch, " data=", text)


func find(who, from, text):
	for g in got[who]:
		if g[0] == from and g[2] == text:
			return true
	return false


func send(p, target, mode, text):
	p.set_target_peer(target)
	p.set_transfer_mode(mode)
	return p.put_packet(text.to_utf8()) == OK


func fail(msg):
	print("FAIL: ", msg)
	quit(1)


func _init():
	var port = int(arg("port"))
	var goid = int(arg("goid"))
	srv = NetworkedMultiplayerENet.new()
	srv.connect("peer_connected", self, "_on_srv_connected")
	srv.connect("peer_disconnected", self, "_on_srv_disconnected")
	if srv.create_server(port, 8) != OK:
		fail("create_server")
		return
	print("LISTENING port=", port)
	cli = NetworkedMultiplayerENet.new()
	cli.connect("peer_connected", self, "_on_cli_connected")
	if cli.create_client("127.0.0.1", port) != OK:
		fail("create_client")
		return
	var modes = [NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE, NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED, NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE]
	var cli_id = 0
	var sent = false
	var sent_at = 0
	var deadline = OS.get_ticks_msec() + 25000
	while OS.get_ticks_msec() < deadline and not srv_left.has(goid):
		srv.poll()
		drain(srv, "srv")
		if cli != null:
			cli.poll()
			drain(cli, "cli")
			if cli_id == 0 and cli.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
				cli_id = cli.get_unique_id()
				print("CLIENT id=", cli_id)
			if not sent and srv_seen.has(goid) and cli_seen.has(goid):
				sent = true
				sent_at = OS.get_ticks_msec()
				print("SENDING")
				for m in modes:
					if not send(srv, goid, m, "srv2go:%d" % m) or not send(cli, goid, m, "cli2go:%d" % m):
						fail("put_packet")
						return
			var all = true
			for m in modes:
				if not find("cli", goid, "go2cli:%d" % m):
					all = false
			# close_connection is disconnect_now: packets put just before it can
			# be lost (the server dispatches the disconnect first), so wait.
			if all and find("cli", goid, "go2all") and sent and OS.get_ticks_msec() > sent_at + 300:
				print("CLIENT LEAVING")
				cli.close_connection()
				cli = null
		OS.delay_msec(5)
	if not srv_left.has(goid):
		fail("the Go client did not leave")
		return
	for m in modes:
		if not find("srv", goid, "go2srv:%d" % m):
			fail("server did not get go2srv:%d" % m)
			return
	if not find("srv", goid, "go2all"):
		fail("server did not get go2all")
		return
	if not find("srv", 777777, "legit"):
		fail("server did not get legit from 777777")
		return
	for g in got["srv"]:
		if g[2].begins_with("spoof") or g[2].begins_with("go2cli") or (g[0] == 777777 and g[2] != "legit"):
			fail("server got " + g[2])
			return
	srv.close_connection()
	print("PASS")
	quit(0)
