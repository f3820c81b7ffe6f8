# Godot 4 ENetConnection echo server for enetgo's compression and packet-kind
# interop test (godot4_compress_interop_test.go).
#
# Arguments: ports=<p0>,<p1>,<p2>,<p3>,<p4>: free ports chosen by the Go test,
# one per compression mode 0..4.
#
# For each mode in turn it creates a host bound to 127.0.0.1 with that
# compression and 8 channels, prints "LISTENING mode=<m> port=<p>", and for
# every packet checks the event's channel, get_packet_flags() and the bytes
# against the KINDS table, then echoes it on the same channel with the kind's
# send flags. When the client disconnects it prints "SERVED mode=<m>
# echoed=<n> data=<disconnect data> bad=<count>" and any "BAD ..." lines
# before. PASS when every mode was served without a bad packet.
extends SceneTree

# [channel, send flags, size, binary, flags on receipt] per kind; must match
# g4Kinds in the Go test.
const KINDS = [
	[0, 1, 200, false, 1],
	[1, 0, 300, false, 0],
	[1, 2, 300, false, 2],
	[2, 8, 3000, false, 8],
	[2, 0, 3000, false, 1],
	[3, 1, 5000, false, 1],
	[5, 1, 512, true, 1],
	[7, 2, 300, true, 2],
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


func serve_mode(mode, port):
	var c = ENetConnection.new()
	var err = c.create_host_bound("127.0.0.1", port, 4, CHANNELS)
	if err != OK:
		print("CREATE mode=", mode, " port=", port, " error ", err)
		return false
	c.compress(mode)
	print("LISTENING mode=", mode, " port=", port)
	var echoed = 0
	var bad = 0
	var data = -1
	var deadline = Time.get_ticks_msec() + 10000
	while data < 0:
		var ev = c.service(2)
		if ev[0] == ENetConnection.EVENT_CONNECT:
			# keep ENet's throttle of our unreliable echoes at full on a
			# loaded machine (deceleration 0)
			ev[1].throttle_configure(1000, ENetPacketPeer.PACKET_THROTTLE_SCALE, 0)
			if ev[1].get_channels() != CHANNELS or ev[2] != 2000 + mode:
				print("BAD mode=", mode, " connect channels=", ev[1].get_channels(), " data=", ev[2])
				bad += 1
		elif ev[0] == ENetConnection.EVENT_DISCONNECT:
			data = ev[2]
		elif ev[0] == ENetConnection.EVENT_RECEIVE:
			var peer = ev[1]
			var flags = peer.get_packet_flags()
			var pkt = peer.get_packet()
			if pkt.size() < 2 or pkt[0] >= KINDS.size():
				print("BAD mode=", mode, " packet of ", pkt.size(), " bytes")
				bad += 1
				continue
			var k = pkt[0]
			if ev[3] != KINDS[k][0] or flags != KINDS[k][4] or pkt != make_payload(k, mode):
				print("BAD mode=", mode, " kind=", k, " channel=", ev[3], " flags=", flags, " size=", pkt.size())
				bad += 1
			err = peer.send(ev[3], pkt, KINDS[k][1])
			if err != OK:
				print("BAD mode=", mode, " echo kind=", k, " error ", err)
				bad += 1
			echoed += 1
		if Time.get_ticks_msec() > deadline:
			print("SERVED mode=", mode, " timeout echoed=", echoed)
			c.destroy()
			return false
	print("SERVED mode=", mode, " echoed=", echoed, " data=", data, " bad=", bad)
	c.destroy()
	return bad == 0


func _init():
	var ports = arg("ports").split(",")
	if ports.size() != 5:
		print("FAIL: need ports=<5 ports>, got ", arg("ports"))
		quit(1)
		return
	var bad = 0
	for mode in range(5):
		if not serve_mode(mode, int(ports[mode])):
			bad += 1
	if bad > 0:
		print("FAIL: ", bad, " mode(s) failed")
		quit(1)
		return
	print("PASS")
	quit(0)
