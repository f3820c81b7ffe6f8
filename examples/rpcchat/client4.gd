# A Godot 4 client of the rpcchat example. Run it headless, arguments after
# "--":
#
#   godot --headless -s client4.gd -- port=7777 say="hello|bye" peers=1
#
# It builds /root/Chat with say() and heard(), connects, waits until it
# knows `peers` other peers (the server counts; default 1), calls say on
# the server for each "|"-separated line, prints every heard() line and
# exits with PASS once it heard `expect` lines (default: its own), or FAIL
# after `seconds` (default 10).
extends SceneTree

const CHAT_SRC := """
extends Node
var lines := []
@rpc("any_peer") func say(text): pass
@rpc("authority") func heard(from_id, text):
	lines.append([from_id, text])
	print("HEARD %d: %s" % [from_id, text])
"""

var args := {}


func _initialize() -> void:
	for a in OS.get_cmdline_user_args():
		var kv = a.split("=", true, 1)
		if kv.size() == 2:
			args[kv[0]] = kv[1]
	run.call_deferred()


func wait_for(cond: Callable, secs: float) -> bool:
	var end := Time.get_ticks_msec() + int(secs * 1000)
	while Time.get_ticks_msec() < end:
		if cond.call():
			return true
		await process_frame
	return cond.call()


func run() -> void:
	await process_frame
	var s := GDScript.new()
	s.source_code = CHAT_SRC
	s.reload()
	var chat := Node.new()
	chat.name = "Chat"
	chat.set_script(s)
	root.add_child(chat)
	var mp := get_multiplayer()
	var peer := ENetMultiplayerPeer.new()
	peer.create_client(args.get("host", "127.0.0.1"), int(args.get("port", "7777")))
	mp.multiplayer_peer = peer
	var secs := float(args.get("seconds", "10"))
	var lines: PackedStringArray = args.get("say", "hello").split("|", false)
	if not await wait_for(func(): return mp.get_peers().size() >= int(args.get("peers", "1")), secs):
		print("FAIL: connection or peers: %s" % [mp.get_peers()])
		quit(1)
		return
	print("ID ", mp.get_unique_id())
	for line in lines:
		chat.rpc_id(1, "say", line)
	var expect := int(args.get("expect", str(lines.size())))
	if not await wait_for(func(): return chat.lines.size() >= expect, secs):
		print("FAIL: heard %s" % [chat.lines])
		quit(1)
		return
	print("PASS")
	quit(0)
