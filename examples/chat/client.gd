# A Godot 3 chat client for the chat server beside it (main.go).
#
# Run it headless, with arguments after the script:
#
#   godot3-server -s client.gd host=127.0.0.1 port=7777 name=alice \
#       "say=hello everyone|how is it going?" seconds=10
#
# It connects with NetworkedMultiplayerENet, renames itself to name (if
# given), sends each "|"-separated line of say to the server, prints every
# chat line it receives for the given number of seconds (default 5), then
# leaves. In a game, the same put_packet call would sit behind a LineEdit's
# text_entered signal, and get_packet in _process.
extends SceneTree

var peer


func arg(key, default_value):
	for x in OS.get_cmdline_args():
		if x.begins_with(key + "="):
			return x.substr(key.length() + 1, x.length())
	return default_value


func say(text):
	# The server is peer 1; chat goes reliably on the default channel.
	peer.set_target_peer(1)
	peer.set_transfer_mode(NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE)
	peer.put_packet(text.to_utf8())


func poll():
	peer.poll()
	while peer.get_available_packet_count() > 0:
		print(peer.get_packet().get_string_from_utf8())
	OS.delay_msec(10)


func _init():
	var host = arg("host", "127.0.0.1")
	var port = int(arg("port", "7777"))
	var name = arg("name", "")
	var lines = arg("say", "")
	var seconds = float(arg("seconds", "5"))

	peer = NetworkedMultiplayerENet.new()
	if peer.create_client(host, port) != OK:
		print("cannot create the client")
		quit(1)
		return
	var deadline = OS.get_ticks_msec() + 5000
	while OS.get_ticks_msec() < deadline and peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		peer.poll()
		OS.delay_msec(10)
	if peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		print("cannot connect to ", host, ":", port, " (is the chat server running?)")
		quit(1)
		return
	print("connected as peer ", peer.get_unique_id())

	if name != "":
		say("/name " + name)
	if lines != "":
		for line in lines.split("|"):
			say(line)

	var end = OS.get_ticks_msec() + int(seconds * 1000)
	while OS.get_ticks_msec() < end:
		if peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
			print("the server closed the connection")
			quit(0)
			return
		poll()
	peer.close_connection()
	quit(0)
