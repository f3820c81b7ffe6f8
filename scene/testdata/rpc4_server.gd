# Godot 4 server for scene's TestGodot4GoClient. Arguments: port=N.
# /root/Chat answers say() with heard() to every client and bytes_back()
# to the caller; admin() is authority-only, so a client's call must be
# refused; done() ends the run, printing PASS if everything arrived.
# /root/Bad declares other methods than the Go client's, to see the
# checksum mismatch reported. direct() is what a second Go client gets
# relayed by this server.
extends SceneTree

const CHAT_SRC := """
extends Node
var says := []
var pos := []
var admin_ran := 0
var finished := false
var directs := []
@rpc("any_peer") func say(text):
	var from := multiplayer.get_remote_sender_id()
	says.append(text)
	rpc("heard", from, text)
	rpc_id(from, "bytes_back", PackedByteArray([4, 5, 6]))
@rpc("authority") func heard(from_id, text): pass
@rpc("authority") func bytes_back(b): pass
@rpc("authority") func admin(x): admin_ran += 1
@rpc("any_peer", "call_remote", "unreliable") func moved(v): pos.append(v)
@rpc("any_peer") func done(): finished = true
@rpc("any_peer") func direct(text): directs.append(text)
"""

const BAD_SRC := """
extends Node
var pings := 0
@rpc("any_peer") func ping(): pings += 1
@rpc("any_peer") func zzz(): pass
"""

var args := {}


func _initialize() -> void:
	for a in OS.get_cmdline_user_args():
		var kv = a.split("=", true, 1)
		if kv.size() == 2:
			args[kv[0]] = kv[1]
	run.call_deferred()


func make_node(node_name: String, src: String) -> Node:
	var s := GDScript.new()
	s.source_code = src
	if s.reload() != OK:
		print("FAIL: script ", node_name)
		quit(1)
	var n := Node.new()
	n.name = node_name
	n.set_script(s)
	root.add_child(n)
	return n


func run() -> void:
	await process_frame
	var chat := make_node("Chat", CHAT_SRC)
	var bad := make_node("Bad", BAD_SRC)
	var peer := ENetMultiplayerPeer.new()
	var err := peer.create_server(int(args["port"]))
	if err != OK:
		print("FAIL: create_server ", err)
		quit(1)
		return
	get_multiplayer().multiplayer_peer = peer
	print("LISTENING")
	var end := Time.get_ticks_msec() + 10000
	while not chat.finished and Time.get_ticks_msec() < end:
		await process_frame
	for i in 10:
		await process_frame
	print("SAYS ", chat.says)
	print("POS ", chat.pos)
	print("ADMIN ", chat.admin_ran)
	print("PINGS ", bad.pings)
	print("DIRECTS ", chat.directs)
	if chat.directs == ["a to all"] and chat.finished and chat.says == ["one", "two", "three"] and chat.pos == [Vector3(1, 2, 3)] and chat.admin_ran == 0 and bad.pings == 1:
		print("PASS")
		quit(0)
	else:
		print("FAIL: unexpected state")
		quit(1)
