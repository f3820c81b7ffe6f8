# Godot 3.2.3 NetworkedMultiplayerENet echo server for enetgo's ENet-level
# compression interop test (godot3_compress_interop_test.go).
#
# Arguments: ports=<p0>,<p1>,<p2>,<p3>,<p4> (free ports chosen by the Go test,
# one per compression mode 0..4) and mismatch=<port>,<port>.
#
# For each mode in turn it creates a fresh NetworkedMultiplayerENet server with
# that compression on 127.0.0.1, prints "LISTENING mode=<m> port=<p>", and
# echoes every packet back to its sender with the transfer mode named by the
# packet's first byte, until that client disconnects; then it prints
# "SERVED mode=<m> echoed=<n>" and moves on. Last it listens for 3 seconds
# with COMPRESS_ZLIB on the first mismatch port ("LISTENING mode=mismatch-zlib
# port=<p>") and with COMPRESS_NONE on the second ("LISTENING
# mode=mismatch-none port=<p>"), for clients using another mode, and prints
# "MISMATCH connected=<peers that connected>". PASS when every mode was
# served.
extends SceneTree

var disconnected = false
var connected = 0


func arg(name):
	for a in OS.get_cmdline_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1, a.length())
	return ""


func _on_peer_connected(_id):
	connected += 1


func _on_peer_disconnected(_id):
	disconnected = true


func listen(mode, port):
	var p = NetworkedMultiplayerENet.new()
	p.set_compression_mode(mode)
	p.set_bind_ip("127.0.0.1")
	p.connect("peer_connected", self, "_on_peer_connected")
	p.connect("peer_disconnected", self, "_on_peer_disconnected")
	var err = p.create_server(port, 4)
	if err != OK:
		print("CREATE mode=", mode, " port=", port, " error ", err)
		return null
	return p


func serve_mode(mode, port):
	var p = listen(mode, port)
	if p == null:
		return false
	disconnected = false
	connected = 0
	print("LISTENING mode=", mode, " port=", port)
	var echoed = 0
	var deadline = OS.get_ticks_msec() + 10000
	while not disconnected:
		p.poll()
		while p.get_available_packet_count() > 0:
			var from = p.get_packet_peer()
			var pkt = p.get_packet()
			if pkt.size() < 1 or pkt[0] > 2:
				print("BADPACKET mode=", mode, " size=", pkt.size())
				continue
			p.set_transfer_mode(pkt[0])
			p.set_target_peer(from)
			err_check(p.put_packet(pkt), mode)
			echoed += 1
		if OS.get_ticks_msec() > deadline:
			print("SERVED mode=", mode, " timeout echoed=", echoed, " connected=", connected)
			p.close_connection()
			return false
		OS.delay_msec(1)
	print("SERVED mode=", mode, " echoed=", echoed)
	p.close_connection()
	return true


func err_check(err, mode):
	if err != OK:
		print("PUTFAIL mode=", mode, " error ", err)


func serve_mismatch(zlib_port, none_port):
	var z = listen(NetworkedMultiplayerENet.COMPRESS_ZLIB, zlib_port)
	var n = listen(NetworkedMultiplayerENet.COMPRESS_NONE, none_port)
	if z == null or n == null:
		return false
	connected = 0
	print("LISTENING mode=mismatch-zlib port=", zlib_port)
	print("LISTENING mode=mismatch-none port=", none_port)
	var deadline = OS.get_ticks_msec() + 3000
	while OS.get_ticks_msec() < deadline:
		for p in [z, n]:
			p.poll()
			while p.get_available_packet_count() > 0:
				p.get_packet()
				print("MISMATCH got a packet")
		OS.delay_msec(2)
	print("MISMATCH connected=", connected)
	z.close_connection()
	n.close_connection()
	return true


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
	var mm = arg("mismatch").split(",")
	if mm.size() == 2:
		if not serve_mismatch(int(mm[0]), int(mm[1])):
			bad += 1
	if bad > 0:
		print("FAIL: ", bad, " step(s) failed")
		quit(1)
		return
	print("PASS")
	quit(0)
