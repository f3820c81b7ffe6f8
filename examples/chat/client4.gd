# A Godot 4 chat client for the chat server beside it, run with --godot4
# (go run ./examples/chat --godot4). Untested here: this project's test
# machines have no Godot 4 runtime; the server side of the protocol is
# tested with Go clients of package multiplayer (TestChatRoomGodot4).
#
# Run it headless, with arguments after "--":
#
#   godot4 --headless -s client4.gd -- host=127.0.0.1 port=7777 name=alice \
#       "say=hello everyone|how is it going?" seconds=10
#
# It joins through ENetMultiplayerPeer and SceneMultiplayer, renames itself
# to name (if given), sends each "|"-separated line of say to the server
# (peer 1) with send_bytes, prints every line that arrives through the
# peer_packet signal for the given number of seconds (default 5), then
# leaves. In a game, send_bytes would sit behind a LineEdit's
# text_submitted signal and peer_packet would feed a RichTextLabel.
extends SceneTree

var api: SceneMultiplayer
var connected := false


func arg(key: String, default_value: String) -> String:
	for x in OS.get_cmdline_user_args():
		if x.begins_with(key + "="):
			return x.substr(key.length() + 1)
	return default_value


func say(text: String) -> void:
	api.send_bytes(text.to_utf8_buffer(), 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)


func _on_packet(_id: int, data: PackedByteArray) -> void:
	print(data.get_string_from_utf8())


func _on_connected() -> void:
	connected = true
	print("connected as peer %d" % api.get_unique_id())


func wait(seconds: float) -> void:
	var end := Time.get_ticks_msec() + int(seconds * 1000)
	while Time.get_ticks_msec() < end:
		api.poll()
		OS.delay_msec(10)


func _init() -> void:
	var peer := ENetMultiplayerPeer.new()
	var err := peer.create_client(arg("host", "127.0.0.1"), int(arg("port", "7777")))
	if err != OK:
		print("FAIL: create_client: %d" % err)
		quit(1)
		return
	api = SceneMultiplayer.new()
	api.peer_packet.connect(_on_packet)
	api.connected_to_server.connect(_on_connected)
	api.multiplayer_peer = peer
	wait(3.0)
	if not connected:
		print("FAIL: could not connect")
		quit(1)
		return
	var name := arg("name", "")
	if name != "":
		say("/name " + name)
	for line in arg("say", "").split("|", false):
		say(line)
	wait(float(arg("seconds", "5")))
	peer.close()
	quit(0)
