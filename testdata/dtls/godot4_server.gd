# Godot 4 DTLS server for package enet's DTLS client (dtls_godot4_test.go).
#
# Godot's own DTLSServer (mbedTLS, with its cookie exchange) and
# UDPServer, the pieces official builds put under ENet's server socket
# (modules/enet/enet_godot.cpp). Debian's Godot links the system ENet,
# which has no DTLS, so the script speaks ENet 1.3 by hand inside the
# session: it checks the CONNECT datagram our client sends (one record,
# one datagram), answers with a VERIFY_CONNECT built here, and waits for
# one reliable packet on channel 0, which it prints.
#
# Arguments: port=N cert=BASE64PEM key=BASE64PEM payload=TEXT
extends SceneTree

const TIMEOUT_MS = 15000

var args := {}

func fail(why: String) -> void:
	print("FAIL: " + why)
	quit(1)

func u16(b: PackedByteArray, at: int) -> int:
	return (b[at] << 8) | b[at + 1]

func u32(b: PackedByteArray, at: int) -> int:
	return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]

func command_size(b: PackedByteArray, off: int) -> int:
	match b[off] & 0x0F:
		1: return 8
		2: return 48
		3: return 44
		4: return 8
		5: return 4
		6: return 6 + u16(b, off + 4)
		7: return 8 + u16(b, off + 6)
		8, 12: return 24 + u16(b, off + 8)
		9: return 8 + u16(b, off + 6)
		10: return 12
		11: return 16
	return 0

# commands lists [cmd, off] of every command of a datagram.
func commands(b: PackedByteArray) -> Array:
	var out := []
	if b.size() < 2 or (u16(b, 0) & 0x4000) != 0:
		return out
	var off := 4 if (u16(b, 0) & 0x8000) != 0 else 2
	while off + 4 <= b.size():
		var n := command_size(b, off)
		if n == 0 or off + n > b.size():
			break
		out.append([b[off] & 0x0F, off])
		off += n
	return out

func _init() -> void:
	for a in OS.get_cmdline_user_args():
		var kv: PackedStringArray = a.split("=", true, 1)
		if kv.size() == 2:
			args[kv[0]] = kv[1]
	var cert := X509Certificate.new()
	if cert.load_from_string(Marshalls.base64_to_utf8(args.get("cert", ""))) != OK:
		fail("cannot load the certificate"); return
	var key := CryptoKey.new()
	if key.load_from_string(Marshalls.base64_to_utf8(args.get("key", ""))) != OK:
		fail("cannot load the key"); return
	var dtls := DTLSServer.new()
	if dtls.setup(TLSOptions.server(key, cert)) != OK:
		fail("DTLSServer.setup"); return
	var udp := UDPServer.new()
	if udp.listen(int(args.get("port", "0")), "127.0.0.1") != OK:
		fail("UDPServer.listen"); return
	print("LISTENING port=%d" % udp.get_local_port())
	var peers := []
	var peer: PacketPeerDTLS = null
	var start := Time.get_ticks_msec()
	var cookie_rounds := 0
	while peer == null:
		if Time.get_ticks_msec() - start > TIMEOUT_MS:
			fail("no DTLS session (%d ClientHellos answered with a cookie)" % cookie_rounds); return
		udp.poll()
		while udp.is_connection_available():
			var p: PacketPeerDTLS = dtls.take_connection(udp.take_connection())
			if p.get_status() == PacketPeerDTLS.STATUS_HANDSHAKING:
				peers.append(p)
			else:
				cookie_rounds += 1 # the HelloVerifyRequest round
		for p in peers:
			p.poll()
			if p.get_status() == PacketPeerDTLS.STATUS_CONNECTED:
				peer = p
		OS.delay_msec(2)
	print("DTLS_CONNECTED cookie_rounds=%d" % cookie_rounds)
	# The first datagram must be our client's ENet CONNECT, whole.
	var connect := PackedByteArray()
	while connect.is_empty():
		if Time.get_ticks_msec() - start > TIMEOUT_MS:
			fail("no CONNECT"); return
		udp.poll()
		peer.poll()
		while peer.get_available_packet_count() > 0:
			var b: PackedByteArray = peer.get_packet()
			for c in commands(b):
				if c[0] == 2:
					connect = b.slice(c[1], c[1] + 48)
		OS.delay_msec(2)
	print("CONNECT command=0x%02x channel=0x%02x peer=%d channels=%d mtu=%d window=%d connect_id=%d" % [
		connect[0], connect[1], u16(connect, 4), u32(connect, 16), u32(connect, 8), u32(connect, 12), u32(connect, 40)])
	# VERIFY_CONNECT: our peer 0, session ids 0, the client's own values.
	var w := StreamPeerBuffer.new()
	w.big_endian = true
	w.put_u16(0x8000 | u16(connect, 4))
	w.put_u16(Time.get_ticks_msec() & 0xFFFF)
	w.put_u8(0x83)
	w.put_u8(0xFF)
	w.put_u16(1)
	w.put_u16(0)
	w.put_u8(0)
	w.put_u8(0)
	w.put_u32(u32(connect, 8))   # mtu
	w.put_u32(u32(connect, 12))  # window
	w.put_u32(u32(connect, 16))  # channels
	w.put_u32(0)
	w.put_u32(0)
	w.put_u32(u32(connect, 28))  # throttle interval
	w.put_u32(u32(connect, 32))  # acceleration
	w.put_u32(u32(connect, 36))  # deceleration
	w.put_u32(u32(connect, 40))  # connect id
	var verify := w.data_array
	var want: String = args.get("payload", "")
	var last := -1000
	while true:
		if Time.get_ticks_msec() - start > TIMEOUT_MS:
			fail("no reliable packet"); return
		if Time.get_ticks_msec() - last > 300:
			if peer.put_packet(verify) != OK:
				fail("put_packet VERIFY_CONNECT"); return
			last = Time.get_ticks_msec()
		udp.poll()
		peer.poll()
		while peer.get_available_packet_count() > 0:
			var b: PackedByteArray = peer.get_packet()
			for c in commands(b):
				var off: int = c[1]
				if c[0] == 6 and b[off + 1] == 0:
					var data: PackedByteArray = b.slice(off + 6, off + 6 + u16(b, off + 4))
					print("RECEIVED " + data.get_string_from_utf8())
					if data.get_string_from_utf8() == want:
						print("PASS")
						quit(0)
						return
		OS.delay_msec(2)
