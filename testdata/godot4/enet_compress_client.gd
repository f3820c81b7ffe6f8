# Godot 4 ENetConnection client for enetgo's compression and packet-kind
# interop test (godot4_compress_interop_test.go).
#
# Arguments: ports=<p0>,<p1>,<p2>,<p3>,<p4>: enetgo servers compressing with
# modes 0..4 (ENetConnection.COMPRESS_NONE .. COMPRESS_ZSTD).
#
# For each mode it makes a fresh ENetConnection with that compression,
# connects with 8 channels and connect data 1000+mode, sends every kind of the
# KINDS table (channel, send flags, size, binary) and checks each echo: the
# event's channel, get_packet_flags() and the bytes. It prints
# "ECHO mode=<m> ok" or "ECHO mode=<m> bad <reason>", disconnects with data
# mode and waits for EVENT_DISCONNECT. PASS when every mode echoed correctly.
extends SceneTree

# [channel, send flags, size, binary, flags on receipt] per kind; must match
# g4Kinds in the Go test.
const KINDS = [
	[0, 1, 200, false, 1],   # reliable
	[1, 0, 300, false, 0],   # unreliable (sequenced)
	[1, 2, 300, false, 2],   # unsequenced
	[2, 8, 3000, false, 8],  # unreliable fragments (> MTU)
	[2, 0, 3000, false, 1],  # unreliable > MTU without the flag: reliable fragments
	[3, 1, 5000, false, 1],  # reliable > MTU
	[5, 1, 512, true, 1],    # binary, every byte value, custom channel
	[7, 2, 300, true, 2],    # binary unsequenced on the last channel
]
const CHANNELS = 8


func arg(name):
	for a in OS.get_cmdline_user_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1)
	return ""


# make_payload must match g4Payload in the Go test.
func make_payload(kind, mode):
	var size = KINDS[kind][2]
	var b = PackedByteArray()
	if KINDS[kind][3]:
		b.resize(size)
		for i in range(size):
			b[i] = (i * 7 + kind + mode) % 256
	else:
		var s = ""
		var i = 0
		while s.length() < size:
			s += "e" + str(i % 32) + " x=" + str((i * 37) % 1000) + " y=" + str((i * 11 + kind * 5 + mode) % 1000) + ";"
			i += 1
		b = s.to_ascii_buffer()
		b.resize(size)
	b[0] = kind
	b[1] = mode
	return b


func first_diff(a, b):
	for i in range(min(a.size(), b.size())):
		if a[i] != b[i]:
			return i
	return min(a.size(), b.size())


# run_mode returns "" on success, or the reason of the failure.
func run_mode(mode, port):
	var c = ENetConnection.new()
	var err = c.create_host(1, CHANNELS)
	if err != OK:
		return "create_host error " + str(err)
	c.compress(mode)
	var peer = c.connect_to_host("127.0.0.1", port, CHANNELS, 1000 + mode)
	if peer == null:
		return "connect_to_host returned null"
	var deadline = Time.get_ticks_msec() + 5000
	var up = false
	while not up:
		var ev = c.service(2)
		if ev[0] == ENetConnection.EVENT_CONNECT:
			# keep ENet's throttle of unreliable sends at full on a loaded
			# machine (deceleration 0)
			ev[1].throttle_configure(1000, ENetPacketPeer.PACKET_THROTTLE_SCALE, 0)
			up = true
		elif ev[0] == ENetConnection.EVENT_DISCONNECT or ev[0] == ENetConnection.EVENT_ERROR:
			c.destroy()
			return "connect failed: event " + str(ev[0])
		if Time.get_ticks_msec() > deadline:
			c.destroy()
			return "connect timeout"
	if peer.get_channels() != CHANNELS:
		c.destroy()
		return "get_channels " + str(peer.get_channels())
	var sent = []
	for k in range(KINDS.size()):
		var b = make_payload(k, mode)
		sent.append(b)
		err = peer.send(KINDS[k][0], b, KINDS[k][1])
		if err != OK:
			c.destroy()
			return "send kind " + str(k) + " error " + str(err)
	var got = {}
	var reason = ""
	deadline = Time.get_ticks_msec() + 5000
	while got.size() < KINDS.size() and reason == "":
		var ev = c.service(2)
		if ev[0] == ENetConnection.EVENT_DISCONNECT:
			reason = "disconnected while waiting for echoes"
		elif ev[0] == ENetConnection.EVENT_RECEIVE:
			var flags = peer.get_packet_flags()
			var pkt = peer.get_packet()
			if pkt.size() < 2 or pkt[0] >= KINDS.size():
				reason = "unexpected echo of " + str(pkt.size()) + " bytes"
				break
			var k = pkt[0]
			if ev[3] != KINDS[k][0]:
				reason = "echo of kind " + str(k) + " on channel " + str(ev[3])
			elif flags != KINDS[k][4]:
				reason = "echo of kind " + str(k) + " with flags " + str(flags) + ", want " + str(KINDS[k][4])
			elif pkt != sent[k]:
				reason = "echo of kind " + str(k) + " differs: " + str(pkt.size()) + " bytes, want " + str(sent[k].size()) + ", first difference at " + str(first_diff(pkt, sent[k]))
			got[k] = true
		if Time.get_ticks_msec() > deadline:
			reason = "echo timeout, got kinds " + str(got.keys())
	if reason != "":
		c.destroy()
		return reason
	peer.peer_disconnect(mode)
	deadline = Time.get_ticks_msec() + 3000
	while true:
		var ev = c.service(2)
		if ev[0] == ENetConnection.EVENT_DISCONNECT:
			break
		if Time.get_ticks_msec() > deadline:
			c.destroy()
			return "disconnect timeout"
	print("STATS mode=", mode, " sent=", c.pop_statistic(ENetConnection.HOST_TOTAL_SENT_DATA), " received=", c.pop_statistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA))
	c.destroy()
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
	if bad > 0:
		print("FAIL: ", bad, " mode(s) failed")
		quit(1)
		return
	print("PASS")
	quit(0)
