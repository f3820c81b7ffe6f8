# A Godot 4 ENetMultiplayerPeer server under the SceneTree's
# SceneMultiplayer with an auth_callback (auth_timeout 1 s); enetgo's
# Godot4 multiplayer.Clients join it from the Go test.
#
# Arguments: port=<port to listen on>, refuse_ms=<how long to refuse new
# connections at the start>.
# Prints "LISTENING port=<port>" while refusing, then "ACCEPTING". The
# auth_callback prints "AUTH from=<id> data=<text>" and answers:
#   "pw:good": send_auth "welcome", then complete_auth;
#   "pw:bad":  disconnect_peer;
#   anything else: nothing (the peer times out).
# Signals are printed "CONNECTED id=<id>" (peer_connected; the server then
# send_bytes "hello authed" to it), "DISCONNECTED id=<id>",
# "AUTHENTICATING id=<id>" and "AUTHFAILED id=<id>"; packets "GOT from=<id>
# data=<text>". A packet "quit" ends the program with PASS; after 20 s it
# prints "FAIL: timeout".
extends SceneTree

var srv
var state = "start"
var deadline = 0
var accept_at = 0


func arg(name):
	for x in OS.get_cmdline_user_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1)
	return ""


func on_auth(id, data):
	var text = data.get_string_from_utf8()
	print("AUTH from=", id, " data=", text)
	match text:
		"pw:good":
			srv.send_auth(id, "welcome".to_utf8_buffer())
			srv.complete_auth(id)
		"pw:bad":
			srv.disconnect_peer(id)


func on_packet(id, data):
	var text = data.get_string_from_utf8()
	print("GOT from=", id, " data=", text)
	if text == "quit":
		print("PASS")
		srv.multiplayer_peer.close()
		state = "done"
		quit(0)


func _process(_delta):
	OS.delay_msec(3)
	match state:
		"start":
			var port = int(arg("port"))
			var peer = ENetMultiplayerPeer.new()
			if peer.create_server(port, 8) != OK:
				print("FAIL: create_server")
				quit(1)
				state = "done"
				return true
			srv = get_multiplayer()
			srv.auth_callback = on_auth
			srv.auth_timeout = 1.0
			srv.peer_connected.connect(func(id):
				print("CONNECTED id=", id)
				srv.send_bytes("hello authed".to_utf8_buffer(), id))
			srv.peer_disconnected.connect(func(id): print("DISCONNECTED id=", id))
			srv.peer_authenticating.connect(func(id): print("AUTHENTICATING id=", id))
			srv.peer_authentication_failed.connect(func(id): print("AUTHFAILED id=", id))
			srv.peer_packet.connect(on_packet)
			srv.multiplayer_peer = peer
			srv.refuse_new_connections = true
			print("LISTENING port=", port)
			accept_at = Time.get_ticks_msec() + int(arg("refuse_ms"))
			deadline = Time.get_ticks_msec() + 20000
			state = "refusing"
		"refusing":
			if Time.get_ticks_msec() >= accept_at:
				srv.refuse_new_connections = false
				print("ACCEPTING")
				state = "serving"
		"done":
			return true
	if Time.get_ticks_msec() > deadline:
		print("FAIL: timeout")
		state = "done"
		quit(1)
		return true
	return false
