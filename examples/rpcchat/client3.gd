# A Godot 3 client of the rpcchat example (Godot 3.2 to 3.6):
#
#   godot3 --no-window -s client3.gd port=7777 say="hello|bye" peers=1
#
# The same as client4.gd with Godot 3's keywords: say is remote, heard is
# puppet (only the network master, the server, may call it).
extends SceneTree

const CHAT_SRC = """
extends Node
var lines = []
remote func say(text): pass
puppet func heard(from_id, text):
	lines.append([from_id, text])
	print("HEARD %d: %s" % [from_id, text])
"""

var args = {}
var chat


func _init():
	for a in OS.get_cmdline_args():
		var kv = a.split("=", true, 1)
		if kv.size() == 2:
			args[kv[0]] = kv[1]
	call_deferred("run")


func run():
	var s = GDScript.new()
	s.source_code = CHAT_SRC
	s.reload()
	chat = Node.new()
	chat.name = "Chat"
	chat.set_script(s)
	root.add_child(chat)
	var peer = NetworkedMultiplayerENet.new()
	# Godot 3.4+ defaults to the range coder; the Go server uses none.
	peer.compression_mode = NetworkedMultiplayerENet.COMPRESS_NONE
	peer.create_client(args.get("host", "127.0.0.1"), int(args.get("port", "7777")))
	network_peer = peer
	var deadline = OS.get_ticks_msec() + int(float(args.get("seconds", "10")) * 1000)
	var lines = args.get("say", "hello").split("|", false)
	while get_network_connected_peers().size() < int(args.get("peers", "1")):
		if OS.get_ticks_msec() > deadline:
			print("FAIL: connection or peers: %s" % [get_network_connected_peers()])
			quit(1)
			return
		yield(self, "idle_frame")
	print("ID ", get_network_unique_id())
	for line in lines:
		chat.rpc_id(1, "say", line)
	var expect = int(args.get("expect", str(lines.size())))
	while chat.lines.size() < expect:
		if OS.get_ticks_msec() > deadline:
			print("FAIL: heard %s" % [chat.lines])
			quit(1)
			return
		yield(self, "idle_frame")
	print("PASS")
	quit(0)
