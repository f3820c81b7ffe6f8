# Godot 4 DTLS client against package enet's DTLS server (dtls_godot4_test.go).
#
# Godot's own PacketPeerDTLS (mbedTLS) over a PacketPeerUDP, exactly the
# pieces official builds put under ENet: every ENet datagram is one
# put_packet. After the handshake the script speaks ENet 1.3 by hand
# (the ENet in Debian's Godot has no DTLS): it sends a CONNECT, checks the
# server's VERIFY_CONNECT, acknowledges it, sends one reliable packet on
# channel 0 until the server acknowledges it, and waits for the server's
# reliable answer.
#
# Arguments: [ip=ADDRESS] port=N ca=BASE64PEM (or "") host=NAME mode=verify|unsafe|fail
# (unsafe: TLSOptions.client_unsafe(ca), which checks the chain against ca
# but no host name)
# connect_id=N payload=TEXT reply=TEXT
extends SceneTree

const DTLS_TIMEOUT_MS = 10000
const ENET_TIMEOUT_MS = 10000

var args := {}
var udp := PacketPeerUDP.new()
var dtls := PacketPeerDTLS.new()

func fail(why: String) -> void:
	print("FAIL: " + why)
	quit(1)

func now16() -> int:
	return Time.get_ticks_msec() & 0xFFFF

func u16(b: PackedByteArray, at: int) -> int:
	return (b[at] << 8) | b[at + 1]

func u32(b: PackedByteArray, at: int) -> int:
	return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]

func writer() -> StreamPeerBuffer:
	var w := StreamPeerBuffer.new()
	w.big_endian = true
	return w

# header starts an ENet datagram: peer id (with the sent-time flag and
# the session bits) and the sent time.
func header(w: StreamPeerBuffer, peer_id: int, session: int) -> void:
	w.put_u16(0x8000 | (session << 12) | peer_id)
	w.put_u16(now16())

# command_size is the size of the ENet command at off (0 if unknown).
func command_size(b: PackedByteArray, off: int) -> int:
	var cmd: int = b[off] & 0x0F
	match cmd:
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

# commands splits a received datagram into [sent_time, [[cmd, off], ...]].
func commands(b: PackedByteArray) -> Array:
	var off := 2
	var sent := -1
	if b.size() < 2:
		return [sent, []]
	if u16(b, 0) & 0x4000:
		return [sent, []] # compressed: not asked for, not expected
	if u16(b, 0) & 0x8000:
		sent = u16(b, 2)
		off = 4
	var out := []
	while off + 4 <= b.size():
		var n := command_size(b, off)
		if n == 0 or off + n > b.size():
			break
		out.append([b[off] & 0x0F, off])
		off += n
	return [sent, out]

func receive_all() -> Array:
	var got := []
	dtls.poll()
	while dtls.get_available_packet_count() > 0:
		got.append(dtls.get_packet())
	return got

func _init() -> void:
	for a in OS.get_cmdline_user_args():
		var kv: PackedStringArray = a.split("=", true, 1)
		if kv.size() == 2:
			args[kv[0]] = kv[1]
	var port := int(args.get("port", "0"))
	var mode: String = args.get("mode", "verify")
	var ca: X509Certificate = null
	if args.get("ca", "") != "":
		ca = X509Certificate.new()
		if ca.load_from_string(Marshalls.base64_to_utf8(args["ca"])) != OK:
			fail("cannot load the CA certificate"); return
	var opts: TLSOptions
	if mode == "unsafe":
		opts = TLSOptions.client_unsafe(ca)
	else:
		opts = TLSOptions.client(ca)
	if udp.connect_to_host(args.get("ip", "127.0.0.1"), port) != OK:
		fail("udp connect_to_host"); return
	var err := dtls.connect_to_peer(udp, args.get("host", "localhost"), opts)
	if err != OK and mode != "fail":
		fail("connect_to_peer returned %d" % err); return
	var start := Time.get_ticks_msec()
	while dtls.get_status() == PacketPeerDTLS.STATUS_HANDSHAKING:
		if Time.get_ticks_msec() - start > DTLS_TIMEOUT_MS:
			fail("DTLS handshake did not finish"); return
		dtls.poll()
		OS.delay_msec(2)
	var st := dtls.get_status()
	if mode == "fail":
		if st == PacketPeerDTLS.STATUS_CONNECTED:
			fail("the handshake succeeded but had to fail"); return
		print("HANDSHAKE_FAILED status=%d" % st)
		# Leave the server time to read the alert mbedTLS sent.
		OS.delay_msec(300)
		print("PASS")
		quit(0)
		return
	if st != PacketPeerDTLS.STATUS_CONNECTED:
		fail("DTLS status %d after the handshake" % st); return
	print("DTLS_CONNECTED ms=%d" % (Time.get_ticks_msec() - start))
	enet_session()

func enet_session() -> void:
	var connect_id := int(args.get("connect_id", "0"))
	# CONNECT: header with peer id 0xFFF, command header (ACKNOWLEDGE flag,
	# control channel 0xFF, reliable sequence 1), then the connect fields.
	var w := writer()
	header(w, 0xFFF, 0)
	w.put_u8(0x82)
	w.put_u8(0xFF)
	w.put_u16(1)
	w.put_u16(0)     # our peer id
	w.put_u8(0xFF)   # incoming session id
	w.put_u8(0xFF)   # outgoing session id
	for v in [1392, 32768, 2, 0, 0, 5000, 2, 2, connect_id, 0]:
		w.put_u32(v)
	var connect_bytes := w.data_array
	if connect_bytes.size() != 52:
		fail("CONNECT datagram of %d bytes" % connect_bytes.size()); return
	var start := Time.get_ticks_msec()
	var last_send := -1000
	var verify := PackedByteArray()
	var verify_sent := 0
	var verify_off := 0
	while verify.is_empty():
		if Time.get_ticks_msec() - start > ENET_TIMEOUT_MS:
			fail("no VERIFY_CONNECT"); return
		if Time.get_ticks_msec() - last_send > 500:
			if dtls.put_packet(connect_bytes) != OK:
				fail("put_packet CONNECT"); return
			last_send = Time.get_ticks_msec()
		for b in receive_all():
			var parsed := commands(b)
			for c in parsed[1]:
				if c[0] == 3:
					verify = b
					verify_sent = parsed[0]
					verify_off = c[1]
		OS.delay_msec(2)
	var server_peer := u16(verify, verify_off + 4)
	var out_session: int = verify[verify_off + 7]
	var got_id := u32(verify, verify_off + 40)
	print("VERIFY_CONNECT command=0x%02x peer=%d channels=%d mtu=%d connect_id=%d" % [
		verify[verify_off], server_peer, u32(verify, verify_off + 16), u32(verify, verify_off + 8), got_id])
	if verify[verify_off] != 0x83:
		fail("VERIFY_CONNECT command byte 0x%02x" % verify[verify_off]); return
	if got_id != connect_id:
		fail("VERIFY_CONNECT connect id %d, sent %d" % [got_id, connect_id]); return
	if verify_sent < 0:
		fail("VERIFY_CONNECT datagram without a sent time"); return
	# ACK of the VERIFY_CONNECT (control channel, reliable sequence 1).
	w = writer()
	header(w, server_peer, out_session)
	w.put_u8(0x01)
	w.put_u8(0xFF)
	w.put_u16(u16(verify, verify_off + 2))
	w.put_u16(u16(verify, verify_off + 2))
	w.put_u16(verify_sent)
	if dtls.put_packet(w.data_array) != OK:
		fail("put_packet ACK"); return
	# One reliable packet on channel 0, sent until the server acknowledges it.
	var payload: PackedByteArray = args.get("payload", "hello").to_utf8_buffer()
	var reply: String = args.get("reply", "")
	var acked := false
	var answered := false
	last_send = -1000
	start = Time.get_ticks_msec()
	while not (acked and answered):
		if Time.get_ticks_msec() - start > ENET_TIMEOUT_MS:
			fail("acked=%s answered=%s" % [acked, answered]); return
		if not acked and Time.get_ticks_msec() - last_send > 200:
			w = writer()
			header(w, server_peer, out_session)
			w.put_u8(0x86)
			w.put_u8(0)
			w.put_u16(1)
			w.put_u16(payload.size())
			w.put_data(payload)
			if dtls.put_packet(w.data_array) != OK:
				fail("put_packet SEND_RELIABLE"); return
			last_send = Time.get_ticks_msec()
		for b in receive_all():
			for c in commands(b)[1]:
				var off: int = c[1]
				if c[0] == 1 and b[off + 1] == 0 and u16(b, off + 4) == 1:
					acked = true
				if c[0] == 6 and b[off + 1] == 0:
					var data: PackedByteArray = b.slice(off + 6, off + 6 + u16(b, off + 4))
					if data.get_string_from_utf8() == reply:
						answered = true
						print("REPLY " + reply)
		OS.delay_msec(2)
	print("PASS")
	quit(0)
