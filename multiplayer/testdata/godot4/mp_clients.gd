# Three Godot 4 clients in one process against enetgo's Godot4
# multiplayer.Server (the Go test runs the server):
#   a, b: ENetMultiplayerPeer under their own SceneMultiplayer (send_bytes,
#         peer_packet, peer_connected / peer_disconnected);
#   c:    a bare ENetMultiplayerPeer polled by hand, so that it sees the
#         packets as they are on the wire (SYS ADD_PEER / DEL_PEER / RELAY
#         included) with get_packet_channel and get_packet_mode.
#
# Arguments: port=<server port>.
# Once all three are connected and a, b see each other and c, it prints
# "IDS a=<id> b=<id> c=<id>". Then:
#   a send_bytes "a2b:<m>" to b, "a2all:<m>" to 0, "a2notb:<m>" to -b,
#     "a2srv:<m>" to 1 for every transfer mode m, and "a2b:ch3", "a2srv:ch3"
#     on transfer channel 3 (reliable);
#   b send_bytes "b2a:<m>" to a;
#   c put_packet "[3]c2srv:<m>:ch<n>" for every mode on transfer channels 0, 1
#     and 4.
# Every packet a or b gets is printed "GOT <who> from=<id> data=<text>",
# every one c gets "CPKT from=<id> ch=<channel> mode=<mode> hex=<bytes>".
# When a and b got everything they wait for (see want_a / want_b) and c got
# "srv2c:done", b leaves; a must see peer_disconnected(b) and c the DEL_PEER.
# Then "LEFT" lines, PASS, or "FAIL: reason".
extends SceneTree

var mps = {}
var c
var seen = {"a": {}, "b": {}}
var left = {"a": {}, "b": {}}
var got = {"a": [], "b": []}
var cgot = []
var state = "connect"
var deadline = 0
var ids = {}
var want_a = []
var want_b = []
var linger_until = 0


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
	mp.peer_connected.connect(func(id): seen[who][id] = true; print("SEEN ", who, " id=", id))
	mp.peer_disconnected.connect(func(id): left[who][id] = true; print("LEFT ", who, " id=", id))
	mp.peer_packet.connect(func(id, data):
		got[who].append([id, data.get_string_from_utf8()])
		print("GOT ", who, " from=", id, " data=", data.get_string_from_utf8()))
	var n = Node.new()
	n.name = who
	root.add_child(n)
	set_multiplayer(mp, NodePath("/root/" + who))
	mp.multiplayer_peer = peer
	return mp


func poll_c():
	c.poll()
	while c.get_available_packet_count() > 0:
		var from = c.get_packet_peer()
		var ch = c.get_packet_channel()
		var mode = c.get_packet_mode()
		var pkt = c.get_packet()
		cgot.append([from, ch, mode, pkt])
		print("CPKT from=", from, " ch=", ch, " mode=", mode, " hex=", pkt.hex_encode())


func c_has(text):
	for g in cgot:
		if g[3][0] == 3 and g[3].slice(1).get_string_from_utf8() == text:
			return true
	return false


func has(who, text):
	for g in got[who]:
		if g[1] == text:
			return true
	return false


func sb(who, text, to, mode, ch = 0):
	if mps[who].send_bytes(text.to_utf8_buffer(), to, mode, ch) != OK:
		fail("send_bytes " + text)
		return false
	return true


func _initialize():
	var port = int(arg("port"))
	mps["a"] = make("a", port)
	mps["b"] = make("b", port)
	c = ENetMultiplayerPeer.new()
	if mps["a"] == null or mps["b"] == null or c.create_client("127.0.0.1", port) != OK:
		fail("create_client")
		return
	deadline = Time.get_ticks_msec() + 10000


func connected(p):
	return p.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED


func _process(_delta):
	OS.delay_msec(3)
	if state == "done":
		return true
	if c != null:
		poll_c()
	if Time.get_ticks_msec() > deadline:
		fail("timeout in state " + state + " seen=" + str(seen) + " got=" + str(got) + " left=" + str(left))
		return true
	var modes = [MultiplayerPeer.TRANSFER_MODE_UNRELIABLE, MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED, MultiplayerPeer.TRANSFER_MODE_RELIABLE]
	match state:
		"connect":
			if not (connected(mps["a"].multiplayer_peer) and connected(mps["b"].multiplayer_peer) and connected(c)):
				return false
			ids = {"a": mps["a"].get_unique_id(), "b": mps["b"].get_unique_id(), "c": c.get_unique_id()}
			for w in ["a", "b"]:
				var o = "b" if w == "a" else "a"
				if not (seen[w].has(1) and seen[w].has(ids[o]) and seen[w].has(ids["c"])):
					return false
			print("IDS a=", ids["a"], " b=", ids["b"], " c=", ids["c"])
			for m in modes:
				if not (sb("a", "a2b:%d" % m, ids["b"], m) and sb("a", "a2all:%d" % m, 0, m) and sb("a", "a2notb:%d" % m, -ids["b"], m) and sb("a", "a2srv:%d" % m, 1, m) and sb("b", "b2a:%d" % m, ids["a"], m)):
					return true
				for ch in [0, 1, 4]:
					c.transfer_mode = m
					c.transfer_channel = ch
					c.set_target_peer(1)
					var pkt = PackedByteArray([3])
					pkt.append_array(("c2srv:%d:ch%d" % [m, ch]).to_utf8_buffer())
					if c.put_packet(pkt) != OK:
						fail("put_packet c")
						return true
			if not (sb("a", "a2b:ch3", ids["b"], MultiplayerPeer.TRANSFER_MODE_RELIABLE, 3) and sb("a", "a2srv:ch3", 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE, 3)):
				return true
			want_b = ["srv:hello", "srv:not-a", "a2b:ch3"]
			want_a = ["srv:hello", "srv:to-a"]
			for m in modes:
				want_b.append("a2b:%d" % m)
				want_b.append("a2all:%d" % m)
				want_a.append("b2a:%d" % m)
			state = "exchange"
		"exchange":
			for w in want_b:
				if not has("b", w):
					return false
			for w in want_a:
				if not has("a", w):
					return false
			if not c_has("srv2c:done"):
				return false
			print("B LEAVING")
			mps["b"].multiplayer_peer.close()
			state = "leave"
		"leave":
			if not left["a"].has(ids["b"]):
				return false
			for g in cgot:
				if g[3].size() == 6 and g[3][0] == 7 and g[3][1] == 2 and g[3].decode_s32(2) == ids["b"]:
					state = "end"
			if state != "end":
				return false
			# Catch anything late that should not arrive.
			linger_until = Time.get_ticks_msec() + 300
			state = "linger"
		"linger":
			if Time.get_ticks_msec() < linger_until:
				return false
			mps["a"].multiplayer_peer.close()
			c.close()
			print("PASS")
			state = "done"
			quit(0)
			return true
	return false
