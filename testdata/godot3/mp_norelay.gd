# Godot 3 clients against enetgo's Godot3 multiplayer.Server started with
# refuse_new_connections on and server_relay off (the Go test runs it).
#
# Arguments: port=<server port>.
# First a client connects while the server refuses: it must end up
# disconnected (it may see the connection succeed first, as ENet completes
# the handshake), then the program prints "REFUSED" and waits for the Go
# side to accept connections again. Then clients A and B connect; without
# relaying they must not hear of each other, put_packet to the other must
# fail with ERR_INVALID_PARAMETER, and A's packet to the server ("a2srv")
# must be accepted. Prints "IDS a=<id> b=<id>", then PASS, or
# "FAIL: reason".
extends SceneTree

var seen = {"a": {}, "b": {}}


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func _on_connected(id, who):
	seen[who][id] = true


func make(who, port):
	var p = NetworkedMultiplayerENet.new()
	p.connect("peer_connected", self, "_on_connected", [who])
	if p.create_client("127.0.0.1", port) != OK:
		return null
	return p


func connected(p):
	return p.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED


func _init():
	var port = int(arg("port"))
	var c = make("c", port)
	var deadline = OS.get_ticks_msec() + 8000
	while OS.get_ticks_msec() < deadline:
		c.poll()
		if c.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
			break
		OS.delay_msec(5)
	if c.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
		print("FAIL: refused client still ", c.get_connection_status())
		quit(1)
		return
	print("REFUSED")
	OS.delay_msec(500)

	var a = make("a", port)
	var b = make("b", port)
	deadline = OS.get_ticks_msec() + 5000
	while OS.get_ticks_msec() < deadline and not (connected(a) and connected(b)):
		a.poll()
		b.poll()
		OS.delay_msec(5)
	if not (connected(a) and connected(b)):
		print("FAIL: clients did not connect")
		quit(1)
		return
	var ida = a.get_unique_id()
	var idb = b.get_unique_id()
	print("IDS a=", ida, " b=", idb)
	for i in range(40):
		a.poll()
		b.poll()
		OS.delay_msec(5)
	if seen["a"].has(idb) or seen["b"].has(ida):
		print("FAIL: clients heard of each other without relay: ", seen)
		quit(1)
		return
	a.set_target_peer(idb)
	var err = a.put_packet("a2b".to_utf8())
	if err != ERR_INVALID_PARAMETER:
		print("FAIL: put_packet to B returned ", err)
		quit(1)
		return
	a.set_target_peer(1)
	if a.put_packet("a2srv".to_utf8()) != OK:
		print("FAIL: put_packet to the server")
		quit(1)
		return
	for i in range(40):
		a.poll()
		b.poll()
		OS.delay_msec(5)
	a.close_connection()
	b.close_connection()
	print("PASS")
	quit(0)
