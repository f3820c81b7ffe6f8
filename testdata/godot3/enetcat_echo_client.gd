# A Godot 3.2.3 NetworkedMultiplayerENet client against
# "enetcat listen --godot3 --echo --channels 4" (the Go test runs enetcat).
#
# Arguments: port=<enetcat's port>.
# The client connects, prints "ID id=<unique id>", sends "hello from godot"
# reliably to the server (peer 1) and "channel three" on transfer channel 3,
# and expects both back from peer 1 on the same channels. It also waits for
# "hello from enetcat", which the Go test types into enetcat's stdin once the
# client is connected. Then it closes the connection and prints PASS, or
# "FAIL: reason".
extends SceneTree

var got = []


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func drain(p):
	while p.get_available_packet_count() > 0:
		var from = p.get_packet_peer()
		var ch = p.get_packet_channel()
		var text = p.get_packet().get_string_from_utf8()
		got.append([from, ch, text])
		print("GOT from=", from, " ch=", ch, " data=", text)


func find(text):
	for g in got:
		if g[2] == text:
			return g
	return null


func fail(reason):
	print("FAIL: ", reason)
	quit(1)


func _init():
	var port = int(arg("port"))
	var p = NetworkedMultiplayerENet.new()
	p.set_channel_count(4)
	if p.create_client("127.0.0.1", port) != OK:
		fail("create_client")
		return
	var deadline = OS.get_ticks_msec() + 10000
	while OS.get_ticks_msec() < deadline and p.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		p.poll()
		OS.delay_msec(5)
	if p.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		fail("not connected")
		return
	print("ID id=", p.get_unique_id())

	p.set_target_peer(1)
	p.set_transfer_mode(NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE)
	if p.put_packet("hello from godot".to_utf8()) != OK:
		fail("put_packet")
		return
	p.set_transfer_channel(3)
	if p.put_packet("channel three".to_utf8()) != OK:
		fail("put_packet on channel 3")
		return
	p.set_transfer_channel(-1)

	var want = ["hello from godot", "channel three", "hello from enetcat"]
	deadline = OS.get_ticks_msec() + 10000
	while OS.get_ticks_msec() < deadline:
		p.poll()
		drain(p)
		var done = true
		for w in want:
			if find(w) == null:
				done = false
		if done:
			break
		OS.delay_msec(5)
	for w in want:
		var g = find(w)
		if g == null:
			fail("no " + w + " in " + str(got))
			return
		if g[0] != 1:
			fail(w + " came from " + str(g[0]) + ", not the server")
			return
	if find("channel three")[1] != 3:
		fail("echo of channel three arrived on channel " + str(find("channel three")[1]))
		return
	if find("hello from godot")[1] != 1:
		fail("reliable echo arrived on ENet channel " + str(find("hello from godot")[1]))
		return

	p.close_connection()
	print("PASS")
	quit(0)
