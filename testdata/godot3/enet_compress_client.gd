# Godot 3.2.3 NetworkedMultiplayerENet client for enetgo's ENet-level
# compression interop test (godot3_compress_interop_test.go).
#
# Arguments: ports=<p0>,<p1>,<p2>,<p3>,<p4> (the enetgo servers for compression
# modes 0..4, each compressing with that mode) and mismatch=<port> (an enetgo
# server with COMPRESS_NONE, which this script approaches with COMPRESS_ZLIB).
#
# For each mode it creates a fresh NetworkedMultiplayerENet with that
# compression, connects, sends four packets (RELIABLE 200 bytes, UNRELIABLE
# 300 bytes, UNRELIABLE_ORDERED 64 bytes, UNRELIABLE 3000 bytes) to the server
# (target 1) and checks that every echo comes back from peer 1, on the channel
# of its transfer mode, byte for byte. It prints "ECHO mode=<m> ok" or
# "ECHO mode=<m> bad <reason>" per mode, then tries the mismatched connection
# for a few seconds and prints "MISMATCH status=<connection status>
# succeeded=<bool> failed=<bool>". PASS if every mode echoed correctly.
extends SceneTree

# [transfer mode, payload size] per kind.
const KINDS = [[2, 200], [0, 300], [1, 64], [0, 3000]]

var succeeded = false
var failed = false


func arg(name):
	for a in OS.get_cmdline_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1, a.length())
	return ""


# make_payload must match payloadFor in the Go test: [transfer mode][kind][mode]
# followed by game-state-like ASCII text, cut to the kind's size.
func make_payload(kind, mode):
	var size = KINDS[kind][1]
	var s = ""
	var i = 0
	while s.length() < size:
		s += "e" + str(i % 32) + " x=" + str((i * 37) % 1000) + " y=" + str((i * 11 + kind * 5 + mode) % 1000) + ";"
		i += 1
	var b = PoolByteArray([KINDS[kind][0], kind, mode])
	b.append_array(s.to_ascii())
	b.resize(size)
	return b


func first_diff(a, b):
	for i in range(min(a.size(), b.size())):
		if a[i] != b[i]:
			return i
	return min(a.size(), b.size())


func _on_succeeded():
	succeeded = true


func _on_failed():
	failed = true


# run_mode returns "" on success, or the reason of the failure.
func run_mode(mode, port):
	var p = NetworkedMultiplayerENet.new()
	p.set_compression_mode(mode)
	var err = p.create_client("127.0.0.1", port)
	if err != OK:
		return "create_client error " + str(err)
	var deadline = OS.get_ticks_msec() + 5000
	while p.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		p.poll()
		if p.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
			return "connection failed"
		if OS.get_ticks_msec() > deadline:
			p.close_connection()
			return "connect timeout"
		OS.delay_msec(2)
	var sent = []
	for k in range(KINDS.size()):
		var b = make_payload(k, mode)
		sent.append(b)
		p.set_transfer_mode(KINDS[k][0])
		p.set_target_peer(1)
		err = p.put_packet(b)
		if err != OK:
			p.close_connection()
			return "put_packet kind " + str(k) + " error " + str(err)
	var got = {}
	deadline = OS.get_ticks_msec() + 5000
	while got.size() < KINDS.size():
		p.poll()
		while p.get_available_packet_count() > 0:
			var from = p.get_packet_peer()
			var ch = p.get_packet_channel()
			var pkt = p.get_packet()
			if from != 1:
				p.close_connection()
				return "echo from peer " + str(from)
			if pkt.size() < 3 or pkt[1] >= KINDS.size():
				p.close_connection()
				return "unexpected echo of " + str(pkt.size()) + " bytes"
			var k = pkt[1]
			if pkt != sent[k]:
				p.close_connection()
				return "echo of kind " + str(k) + " differs: " + str(pkt.size()) + " bytes, want " + str(sent[k].size()) + ", first difference at " + str(first_diff(pkt, sent[k]))
			var want_ch = 1 if KINDS[k][0] == 2 else 2
			if ch != want_ch:
				p.close_connection()
				return "echo of kind " + str(k) + " on channel " + str(ch) + ", want " + str(want_ch)
			got[k] = true
		if OS.get_ticks_msec() > deadline:
			p.close_connection()
			return "echo timeout, got kinds " + str(got.keys())
		OS.delay_msec(2)
	print("ECHO mode=", mode, " id=", p.get_unique_id(), " kinds=", got.size())
	p.close_connection()
	return ""


func run_mismatch(port):
	var p = NetworkedMultiplayerENet.new()
	p.set_compression_mode(NetworkedMultiplayerENet.COMPRESS_ZLIB)
	p.connect("connection_succeeded", self, "_on_succeeded")
	p.connect("connection_failed", self, "_on_failed")
	var err = p.create_client("127.0.0.1", port)
	if err != OK:
		return "create_client error " + str(err)
	var deadline = OS.get_ticks_msec() + 2500
	var ever_connected = false
	while OS.get_ticks_msec() < deadline and not failed:
		p.poll()
		if p.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED and not ever_connected:
			ever_connected = true
			# Try to use the connection: compressible data should not get through.
			p.set_transfer_mode(NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE)
			p.set_target_peer(1)
			p.put_packet(make_payload(0, 3))
		OS.delay_msec(5)
	print("MISMATCH status=", p.get_connection_status(), " succeeded=", succeeded, " failed=", failed, " ever_connected=", ever_connected)
	p.close_connection()
	return ""


func _init():
	var ports = arg("ports").split(",")
	if ports.size() != 5:
		print("FAIL: need ports=<5 ports>, got ", arg("ports"))
		quit(1)
		return
	var bad = 0
	for mode in range(5):
		var reason = run_mode(mode, int(ports[mode]))
		if reason == "":
			print("ECHO mode=", mode, " ok")
		else:
			print("ECHO mode=", mode, " bad ", reason)
			bad += 1
	if arg("mismatch") != "":
		var reason = run_mismatch(int(arg("mismatch")))
		if reason != "":
			print("MISMATCH bad ", reason)
			bad += 1
	if bad > 0:
		print("FAIL: ", bad, " step(s) failed")
		quit(1)
		return
	print("PASS")
	quit(0)
