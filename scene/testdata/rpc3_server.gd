# Godot 3 server for scene's TestGodot3GoClient (3.2.3 and 3.6.2).
# Arguments: port=N. /root/Chat answers say() with heard() to every client
# and, for "two", rsets the client's puppet var level; admin() and level
# are puppet, so a client's call and rset must be refused here; score is
# remote; done() ends the run, printing PASS if all went as expected.
extends SceneTree

const CHAT_SRC = """
extends Node
var says = []
var admin_ran = 0
var finished = false
var scores = []
remote var score = 0 setget set_score
func set_score(v):
	score = v
	scores.append(v)
puppet var level = 0
remote func say(text):
	var from = get_tree().get_rpc_sender_id()
	says.append(text)
	rpc("heard", from, text)
	if text == "two":
		rset_id(from, "level", 9)
puppet func heard(from_id, text): pass
puppet func admin(x): admin_ran += 1
remote func done(): finished = true
"""

var chat


func arg(name):
	for x in OS.get_cmdline_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1, x.length())
	return ""


func _init():
	call_deferred("run")


func run():
	var s = GDScript.new()
	s.source_code = CHAT_SRC
	if s.reload() != OK:
		print("FAIL: script")
		quit(1)
		return
	chat = Node.new()
	chat.name = "Chat"
	chat.set_script(s)
	root.add_child(chat)
	var peer = NetworkedMultiplayerENet.new()
	peer.compression_mode = NetworkedMultiplayerENet.COMPRESS_NONE
	if peer.create_server(int(arg("port"))) != OK:
		print("FAIL: create_server")
		quit(1)
		return
	network_peer = peer
	print("LISTENING")
	var deadline = OS.get_ticks_msec() + 10000
	while not chat.finished and OS.get_ticks_msec() < deadline:
		yield(self, "idle_frame")
	for i in range(10):
		yield(self, "idle_frame")
	print("SAYS ", chat.says, " SCORES ", chat.scores, " ADMIN ", chat.admin_ran, " LEVEL ", chat.level)
	if chat.finished and chat.says == ["one", "two"] and chat.scores.size() == 2 and 5 in chat.scores and 6 in chat.scores and chat.admin_ran == 0 and chat.level == 0:
		print("PASS")
		quit(0)
	else:
		print("FAIL: unexpected state")
		quit(1)
