# Godot 4 client for scene's interop tests (TestGodot4*). Arguments:
#   port=N         the Go server's port
#   role=main      rpc/rpc_id in every transfer mode, Variant types, many
#                  node paths, a refused call
#   role=pair      two clients calling each other through the server:
#                  prints "ID n", waits for the other client, calls
#                  direct() on it and waits for its call
extends SceneTree

const CHAT_SRC := """
extends Node
var log := []
@rpc("any_peer") func say(text): pass
@rpc("authority") func heard(from_id, text): log.append(["heard", from_id, text])
@rpc("any_peer", "call_remote", "unreliable") func ping_u(n): pass
@rpc("any_peer", "call_remote", "unreliable_ordered") func ping_o(n): pass
@rpc("any_peer", "call_remote", "reliable", 3) func ping_c(n): pass
@rpc("authority") func ack(what, mode, channel): log.append(["ack", what, mode, channel])
@rpc("authority", "call_remote", "unreliable") func tick(n): log.append(["tick", n])
@rpc("authority", "call_remote", "reliable", 2) func tick_c(n): log.append(["tick_c", n])
@rpc("any_peer") func types(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17): pass
@rpc("authority") func types_back(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17):
	log.append(["types_back", [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17]])
@rpc("any_peer") func blob(b): pass
@rpc("authority") func blob_back(b): log.append(["blob_back", b])
@rpc("any_peer") func nothing(): pass
@rpc("authority") func nothing_back(): log.append(["nothing_back"])
@rpc("any_peer") func direct(text): log.append(["direct", multiplayer.get_remote_sender_id(), text])
"""

const HIT_SRC := """
extends Node
var hits := 0
@rpc("any_peer") func hit(i): pass
@rpc("authority") func hit_back(i): hits += 1
"""

const PATHS := 40

var args := {}
var mp: MultiplayerAPI
var chat: Node


func _initialize() -> void:
	for a in OS.get_cmdline_user_args():
		var kv = a.split("=", true, 1)
		if kv.size() == 2:
			args[kv[0]] = kv[1]
	run.call_deferred()


func fail(msg: String) -> void:
	print("FAIL: ", msg)
	quit(1)


func wait_for(cond: Callable, secs: float) -> bool:
	var end := Time.get_ticks_msec() + int(secs * 1000)
	while Time.get_ticks_msec() < end:
		if cond.call():
			return true
		await process_frame
	return cond.call()


func frames(n: int) -> void:
	for i in n:
		await process_frame


func make_node(node_name: String, src: String) -> Node:
	var s := GDScript.new()
	s.source_code = src
	var err := s.reload()
	if err != OK:
		fail("script for %s: %d" % [node_name, err])
		return null
	var n := Node.new()
	n.name = node_name
	n.set_script(s)
	root.add_child(n)
	return n


func count(tag: String) -> int:
	var c := 0
	for e in chat.log:
		if e[0] == tag:
			c += 1
	return c


func find(tag: String) -> Array:
	for e in chat.log:
		if e[0] == tag:
			return e
	return []


func run() -> void:
	await process_frame
	mp = get_multiplayer()
	var peer := ENetMultiplayerPeer.new()
	var err := peer.create_client("127.0.0.1", int(args["port"]))
	if err != OK:
		fail("create_client %d" % err)
		return
	mp.multiplayer_peer = peer
	chat = make_node("Chat", CHAT_SRC)
	if not await wait_for(func(): return peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED, 5.0):
		fail("not connected")
		return
	print("ID ", mp.get_unique_id())
	if args.get("role", "main") == "pair":
		await pair()
	else:
		await main()


func main() -> void:
	# rpc_id to the server, reliable: the server answers heard() to everyone.
	chat.rpc_id(1, "say", "hi")
	if not await wait_for(func(): return count("heard") >= 1, 5.0):
		fail("no heard: %s" % [chat.log])
		return
	var h := find("heard")
	if h[1] != mp.get_unique_id() or h[2] != "hi":
		fail("heard %s" % [h])
		return
	# rpc() to everyone (only the server here) in each transfer mode.
	chat.rpc("ping_u", 1)
	chat.rpc("ping_o", 2)
	chat.rpc("ping_c", 3)
	if not await wait_for(func(): return count("ack") >= 3 and count("tick") >= 1 and count("tick_c") >= 1, 5.0):
		fail("acks/ticks: %s" % [chat.log])
		return
	# Variant types, compact ints and bools included, and back.
	var sent := [true, false, 7, -300, 100000, 1 << 40, 1.5, "héllo", Vector2(1.5, -2), Vector3(1, 2, 3),
		Color(0.5, 0.25, 1, 1), [1, "two", 3.5], {"k": 1}, &"sname", NodePath("a/b:c"),
		PackedInt32Array([1, 2, 3]), null, Vector2i(3, -4)]
	chat.callv("rpc_id", [1, "types"] + sent)
	if not await wait_for(func(): return count("types_back") >= 1, 5.0):
		fail("no types_back: %s" % [chat.log])
		return
	var back: Array = find("types_back")[1]
	for i in sent.size():
		if typeof(back[i]) != typeof(sent[i]) or back[i] != sent[i]:
			fail("types_back[%d] = %s (%d), sent %s (%d)" % [i, back[i], typeof(back[i]), sent[i], typeof(sent[i])])
			return
	# The single PackedByteArray shortcut and the no-argument form.
	chat.rpc_id(1, "blob", PackedByteArray([1, 2, 3, 250]))
	chat.rpc_id(1, "nothing")
	if not await wait_for(func(): return count("blob_back") >= 1 and count("nothing_back") >= 1, 5.0):
		fail("no blob_back/nothing_back: %s" % [chat.log])
		return
	if find("blob_back")[1] != PackedByteArray([9, 8, 7]):
		fail("blob_back %s" % [find("blob_back")])
		return
	# Many node paths: the first round travels with full paths, the
	# second with cache ids once the server confirmed them.
	var nodes := []
	for i in PATHS:
		nodes.append(make_node("N%d" % i, HIT_SRC))
	for i in PATHS:
		nodes[i].rpc_id(1, "hit", i)
	var total := func():
		var s := 0
		for n in nodes:
			s += n.hits
		return s
	if not await wait_for(func(): return total.call() >= PATHS, 5.0):
		fail("round 1 hits %d" % total.call())
		return
	for i in PATHS:
		nodes[i].rpc_id(1, "hit", i)
	if not await wait_for(func(): return total.call() >= 2 * PATHS, 5.0):
		fail("round 2 hits %d" % total.call())
		return
	# A call Godot's receiver refuses: heard is authority-only.
	chat.rpc_id(1, "heard", 0, "not allowed")
	chat.rpc_id(1, "say", "done")
	await frames(10)
	print("PASS")
	quit(0)


func pair() -> void:
	if not await wait_for(func(): return mp.get_peers().size() >= 2, 10.0):
		fail("no other client: %s" % [mp.get_peers()])
		return
	var other := 0
	for p in mp.get_peers():
		if p != 1:
			other = p
	# Directly to the other client (relayed by the server), then to
	# everyone (the server and the other client).
	chat.rpc_id(other, "direct", "to you")
	chat.rpc("direct", "to all")
	if not await wait_for(func(): return count("direct") >= 2, 10.0):
		fail("direct calls: %s" % [chat.log])
		return
	for e in chat.log:
		if e[0] == "direct" and e[1] != other:
			fail("direct from %d, want %d" % [e[1], other])
			return
	await frames(30)
	print("PASS")
	quit(0)
