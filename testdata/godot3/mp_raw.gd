# A Godot 3 client using the SceneTree's MultiplayerAPI (send_bytes and the
# network_peer_packet signal) against enetgo's Godot3 multiplayer.Server.
#
# Arguments: port=<server port>.
# Once connected it sends "hello raw" to the server with send_bytes, then
# waits for the server's "raw from go" through network_peer_packet, checks
# that it came from peer 1 and prints PASS, or "FAIL: reason".
extends SceneTree

var got = []


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func _on_packet(id, packet):
	got.append([id, packet.get_string_from_utf8()])
	print("RAW from=", id, " data=", packet.get_string_from_utf8())


func _init():
	var peer = NetworkedMultiplayerENet.new()
	if peer.create_client("127.0.0.1", int(arg("port"))) != OK:
		print("FAIL: create_client")
		quit(1)
		return
	network_peer = peer
	multiplayer.connect("network_peer_packet", self, "_on_packet")
	var sent = false
	var deadline = OS.get_ticks_msec() + 10000
	while OS.get_ticks_msec() < deadline and got.size() == 0:
		multiplayer.poll()
		if not sent and peer.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
			sent = true
			if multiplayer.send_bytes("hello raw".to_utf8(), 1, NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE) != OK:
				print("FAIL: send_bytes")
				quit(1)
				return
		OS.delay_msec(5)
	if got.size() == 0:
		print("FAIL: no RAW packet")
		quit(1)
		return
	if got[0][0] != 1 or got[0][1] != "raw from go":
		print("FAIL: got ", got)
		quit(1)
		return
	# Give the reliable packet time to leave before close_connection.
	for i in range(10):
		multiplayer.poll()
		OS.delay_msec(5)
	peer.close_connection()
	print("PASS")
	quit(0)
