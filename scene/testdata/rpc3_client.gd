# Godot 3 client for scene's TestGodot3* (3.2.3 and 3.6.2). Arguments:
# port=N. It builds /root/Chat, then calls the Go server with rpc,
# rpc_id, rpc_unreliable(_id) and rset, rset_id, rset_unreliable(_id),
# checks the server's calls and rset back, and makes two calls the server
# must refuse (a puppet method and a puppet property).
extends SceneTree

const CHAT_SRC = """
extends Node
var calls = []
remote var score = 0
puppet var level = 0
remote func say(text): pass
puppet func heard(from_id, text): calls.append(["heard", from_id, text])
remote func ping_u(n): pass
puppet func ack(what, mode): calls.append(["ack", what, mode])
remote func types(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12): pass
puppet func types_back(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12):
	calls.append(["types_back", [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12]])
remotesync func both(x): calls.append(["both", get_tree().get_rpc_sender_id(), x])
puppet func tick(n): calls.append(["tick", n])
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


func count(tag):
	var c = 0
	for e in chat.calls:
		if e[0] == tag:
			c += 1
	return c


func find(tag):
	for e in chat.calls:
		if e[0] == tag:
			return e
	return []


func _init():
	call_deferred("run")


func frames(n):
	for i in range(n):
		yield(self, "idle_frame")


func run():
	var s = GDScript.new()
	s.source_code = CHAT_SRC
	if s.reload() != OK:
		fail("chat script")
		return
	chat = Node.new()
	chat.name = "Chat"
	chat.set_script(s)
	root.add_child(chat)
	var peer = NetworkedMultiplayerENet.new()
	peer.compression_mode = NetworkedMultiplayerENet.COMPRESS_NONE
	if peer.create_client("127.0.0.1", int(arg("port"))) != OK:
		fail("create_client")
		return
	network_peer = peer
	var deadline = OS.get_ticks_msec() + 5000
	while peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		if OS.get_ticks_msec() > deadline:
			fail("not connected")
			return
		yield(self, "idle_frame")
	print("ID ", get_network_unique_id())
	chat.rpc_id(1, "say", "hi")
	chat.rpc("say", "all")
	chat.rpc_unreliable_id(1, "ping_u", 1)
	chat.rpc_unreliable("ping_u", 2)
	var sent = [true, 7, -300, 1 << 40, 1.5, "héllo", Vector2(1.5, -2), Vector3(1, 2, 3),
		Color(0.5, 0.25, 1, 1), [1, "two"], {"k": 1}, PoolIntArray([1, 2]), null]
	chat.callv("rpc_id", [1, "types"] + sent)
	chat.rset_id(1, "score", 5)
	chat.rset("score", 6)
	chat.rset_unreliable_id(1, "score", 7)
	chat.rset_unreliable("score", 8)
	chat.rpc("both", 42)
	# Once the server answered, it has confirmed the path: the next calls
	# travel with the cache id.
	deadline = OS.get_ticks_msec() + 5000
	while count("heard") < 2:
		if OS.get_ticks_msec() > deadline:
			fail("no heard: %s" % [chat.calls])
			return
		yield(self, "idle_frame")
	# Refused by the server: it is the master of Chat.
	chat.rpc_id(1, "heard", 0, "not allowed")
	chat.rset_id(1, "level", 3)
	chat.rpc_id(1, "say", "done")
	deadline = OS.get_ticks_msec() + 5000
	while count("heard") < 3 or count("ack") < 2 or count("types_back") < 1 or chat.level != 9 or count("tick") < 1:
		if OS.get_ticks_msec() > deadline:
			fail("missing answers: level=%d calls=%s" % [chat.level, chat.calls])
			return
		yield(self, "idle_frame")
	var h = find("heard")
	if h[1] != get_network_unique_id() or h[2] != "hi":
		fail("heard %s" % [h])
		return
	var back = find("types_back")[1]
	for i in range(sent.size()):
		if typeof(back[i]) != typeof(sent[i]) or str(back[i]) != str(sent[i]):
			fail("types_back[%d] = %s, sent %s" % [i, back[i], sent[i]])
			return
	if find("both") != ["both", get_network_unique_id(), 42]:
		fail("both %s" % [find("both")])
		return
	yield(frames(10), "completed")
	peer.close_connection()
	print("PASS")
	quit(0)
