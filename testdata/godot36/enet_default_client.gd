# Godot 3.x NetworkedMultiplayerENet client left at its default compression,
# for enetgo's compression-default test (godot36_compress_interop_test.go).
# It runs unchanged with Godot 3.2.3 and Godot 3.6.2.
#
# Arguments: targets=<name>:<port>:<mode>,... : enetgo servers, each
# compressing with <mode> (0..4).
#
# It prints "DEFAULT compression_mode=<n>" (the mode of a fresh
# NetworkedMultiplayerENet), then for each target connects for at most 1.2
# seconds without touching the compression, and if connected sends one
# RELIABLE packet (payload built as make_payload(0, <mode>)) to the server and
# waits for the echo. It prints "TRY target=<name> connected=<bool>
# echo=<bool>" per target. PASS when every target was tried.
extends SceneTree

const KINDS = [[2, 200]]


func arg(name):
	for a in OS.get_cmdline_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1, a.length())
	return ""


# make_payload is the one of testdata/godot3/enet_compress_client.gd.
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


func try_target(name, port, mode):
	var p = NetworkedMultiplayerENet.new()
	var err = p.create_client("127.0.0.1", port)
	if err != OK:
		print("TRY target=", name, " create_client error ", err)
		return
	var connected = false
	var echo = false
	var sent = make_payload(0, mode)
	var deadline = OS.get_ticks_msec() + 1200
	while OS.get_ticks_msec() < deadline and not echo:
		p.poll()
		var st = p.get_connection_status()
		if st == NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
			break
		if st == NetworkedMultiplayerPeer.CONNECTION_CONNECTED and not connected:
			connected = true
			p.set_transfer_mode(NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE)
			p.set_target_peer(1)
			p.put_packet(sent)
		while p.get_available_packet_count() > 0:
			var pkt = p.get_packet()
			if pkt == sent:
				echo = true
		OS.delay_msec(2)
	print("TRY target=", name, " mode_used=", p.get_compression_mode(), " connected=", connected, " echo=", echo)
	p.close_connection()


func _init():
	print("DEFAULT compression_mode=", NetworkedMultiplayerENet.new().get_compression_mode())
	for t in arg("targets").split(","):
		var f = t.split(":")
		if f.size() != 3:
			print("FAIL: bad target ", t)
			quit(1)
			return
		try_target(f[0], int(f[1]), int(f[2]))
	print("PASS")
	quit(0)
