# Godot 3 server or client for scene's TestGodot3GoClientBroadcast (3.2.3
# and 3.6.2). Arguments: port=N and role=server|client. /root/Chat's
# remote say(text) records "sender:text" and answers the sender with
# ack(text) (a client's answer to another client goes through the
# server's relay). say("end") prints GOT with what arrived, then PASS.
extends SceneTree

const CHAT_SRC = """
extends Node
var got = []
remote func say(text):
	var from = get_tree().get_rpc_sender_id()
	got.append(str(from) + ":" + text)
	rpc_id(from, "ack", text)
remote func ack(text): pass
"""

var chat


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func fail(msg):
	print("FAIL: ", msg)
	quit(1)


func _init():
	call_deferred("run")


func run():
	var s = GDScript.new()
	s.source_code = CHAT_SRC
	if s.reload() != OK:
		fail("script")
		return
	chat = Node.new()
	chat.name = "Chat"
	chat.set_script(s)
	root.add_child(chat)
	var peer = NetworkedMultiplayerENet.new()
	peer.compression_mode = NetworkedMultiplayerENet.COMPRESS_NONE
	var deadline = OS.get_ticks_msec() + 15000
	if arg("role") == "server":
		if peer.create_server(int(arg("port"))) != OK:
			fail("create_server")
			return
		network_peer = peer
		print("LISTENING")
	else:
		if peer.create_client("127.0.0.1", int(arg("port"))) != OK:
			fail("create_client")
			return
		network_peer = peer
		while peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
			if OS.get_ticks_msec() > deadline:
				fail("not connected")
				return
			yield(self, "idle_frame")
		print("READY ", get_network_unique_id())
	while chat.got.size() == 0 or not chat.got[-1].ends_with(":end"):
		if OS.get_ticks_msec() > deadline:
			fail("no end: %s" % [chat.got])
			return
		yield(self, "idle_frame")
	for i in range(20):
		yield(self, "idle_frame")
	print("GOT ", PoolStringArray(chat.got).join(","))
	print("PASS")
	quit(0)
