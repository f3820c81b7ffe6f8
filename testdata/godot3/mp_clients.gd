# Two Godot 3 NetworkedMultiplayerENet clients, A and B, in one process,
# against enetgo's Godot3 multiplayer.Server (the Go test runs the server).
#
# Arguments: port=<server port>.
# Both use channel_count 4. The program waits until both are connected and
# see each other, prints "IDS a=<id> b=<id>", then sends through the server's
# relay with every transfer mode to B, to everyone (0), to everyone but B
# (-B) and to the server (1), plus one packet on transfer channel 3; B sends
# to A. It checks what each side received (sources, channels, nothing meant
# for others), then B leaves and A must see peer_disconnected(B).
# Prints "GOT <who> from=<id> ch=<channel> data=<text>" for every packet,
# then PASS, or "FAIL: reason".
extends SceneTree

var a
var b
var seen = {"a": {}, "b": {}}
var left = {"a": {}, "b": {}}
var got = {"a": [], "b": []}


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func _on_connected(id, who):
	seen[who][id] = true


func _on_disconnected(id, who):
	left[who][id] = true


func make(who, port):
	var p = NetworkedMultiplayerENet.new()
	p.set_channel_count(4)
	p.connect("peer_connected", self, "_on_connected", [who])
	p.connect("peer_disconnected", self, "_on_disconnected", [who])
	if p.create_client("127.0.0.1", port) != OK:
		return null
	return p


func drain(p, who):
	while p.get_available_packet_count() > 0:
		var from = p.get_packet_peer()
		var ch = p.get_packet_channel()
		var text = p.get_packet().get_string_from_utf8()
		got[who].append([from, ch, text])
		print("GOT ", who, " from=", from, " ch=", ch, " data=", text)


func step():
	if a != null:
		a.poll()
		drain(a, "a")
	if b != null:
		b.poll()
		drain(b, "b")
	OS.delay_msec(5)


func has(who, from, text):
	for g in got[who]:
		if g[0] == from and g[2] == text:
			return true
	return false


func find(who, text):
	for g in got[who]:
		if g[2] == text:
			return g
	return null


func send(p, target, mode, text):
	p.set_target_peer(target)
	p.set_transfer_mode(mode)
	if p.put_packet(text.to_utf8()) != OK:
		print("FAIL: put_packet ", text)
		quit(1)
		return false
	return true


func _init():
	var port = int(arg("port"))
	a = make("a", port)
	b = make("b", port)
	if a == null or b == null:
		print("FAIL: create_client")
		quit(1)
		return
	var deadline = OS.get_ticks_msec() + 10000
	var ida = 0
	var idb = 0
	while OS.get_ticks_msec() < deadline:
		step()
		if a.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED and b.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
			ida = a.get_unique_id()
			idb = b.get_unique_id()
			if seen["a"].has(idb) and seen["b"].has(ida) and seen["a"].has(1) and seen["b"].has(1):
				break
	if ida == 0 or not seen["a"].has(idb) or not seen["b"].has(ida):
		print("FAIL: clients did not see each other: ", seen)
		quit(1)
		return
	print("IDS a=", ida, " b=", idb)

	var modes = [NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE, NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED, NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE]
	for m in modes:
		var ok = send(a, idb, m, "a2b:%d" % m) and send(a, 0, m, "a2all:%d" % m) and send(a, -idb, m, "a2notb:%d" % m) and send(a, 1, m, "a2srv:%d" % m) and send(b, ida, m, "b2a:%d" % m)
		if not ok:
			return
	a.set_transfer_channel(3)
	if not send(a, idb, NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE, "a2b:ch3"):
		return
	a.set_transfer_channel(-1)

	var want_b = ["srv:hello", "srv:not-a", "a2b:ch3"]
	var want_a = ["srv:hello", "srv:to-a"]
	for m in modes:
		want_b.append("a2b:%d" % m)
		want_b.append("a2all:%d" % m)
		want_a.append("b2a:%d" % m)
	deadline = OS.get_ticks_msec() + 10000
	while OS.get_ticks_msec() < deadline:
		step()
		var done = true
		for w in want_b:
			if find("b", w) == null:
				done = false
		for w in want_a:
			if find("a", w) == null:
				done = false
		if done:
			break
	for i in range(20): # catch anything that should not arrive
		step()
	for w in want_b:
		var g = find("b", w)
		if g == null:
			print("FAIL: B did not get ", w)
			quit(1)
			return
		var from = 1 if w.begins_with("srv:") else ida
		if g[0] != from:
			print("FAIL: B got ", w, " from ", g[0], " not ", from)
			quit(1)
			return
	for w in want_a:
		var g = find("a", w)
		if g == null:
			print("FAIL: A did not get ", w)
			quit(1)
			return
		var from = 1 if w.begins_with("srv:") else idb
		if g[0] != from:
			print("FAIL: A got ", w, " from ", g[0], " not ", from)
			quit(1)
			return
	for g in got["b"]:
		if g[2].begins_with("a2notb") or g[2].begins_with("a2srv"):
			print("FAIL: B got ", g[2])
			quit(1)
			return
	for g in got["a"]:
		if g[2].begins_with("a2") or g[2] == "srv:not-a":
			print("FAIL: A got ", g[2])
			quit(1)
			return
	if find("b", "a2b:ch3")[1] != 3:
		print("FAIL: a2b:ch3 arrived on channel ", find("b", "a2b:ch3")[1])
		quit(1)
		return
	if find("b", "a2b:2")[1] != 1 or find("b", "a2b:0")[1] != 2 or find("b", "a2b:1")[1] != 2:
		print("FAIL: default channels ", got["b"])
		quit(1)
		return

	print("B LEAVING")
	b.close_connection()
	b = null
	deadline = OS.get_ticks_msec() + 5000
	while OS.get_ticks_msec() < deadline and not left["a"].has(idb):
		step()
	if not left["a"].has(idb):
		print("FAIL: A did not see peer_disconnected(B)")
		quit(1)
		return
	a.close_connection()
	print("PASS")
	quit(0)
