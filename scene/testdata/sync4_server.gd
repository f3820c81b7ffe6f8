# Godot 4 server for scene's TestGodot4ServerSpawnVisibility. Arguments:
# port=N. Two Go clients connect, A first. /root/Player has an @rpc
# method hello and a path-based synchronizer (position) visible to A only;
# /root/Spawner spawns res://bot.tscn (packed and saved here) into
# /root/World, its synchronizer visible to A only. The server then calls
# Player.hello(7), moves the bot and turns it (a delta). When A calls next(),
# the bot's visibility for A is withdrawn (DESPAWN to A), then made public
# with a filter refusing A (but accepting peer 0), and hello(8) follows.
# A's second next() swaps in a filter refusing A and peer 0, and hello(9)
# follows. A's third next() ends the run.
extends SceneTree

const PLAYER_SRC = """
extends Node2D
var phase := 0
@rpc("authority")
func hello(_n): pass
@rpc("any_peer")
func next(): phase += 1
"""

var args := {}


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


func sync_for(props: Array) -> MultiplayerSynchronizer:
	var s := MultiplayerSynchronizer.new()
	s.name = "Sync"
	s.root_path = NodePath("..")
	var cfg := SceneReplicationConfig.new()
	for p in props:
		var np := NodePath(".:" + p[0])
		cfg.add_property(np)
		cfg.property_set_spawn(np, p[1])
		cfg.property_set_replication_mode(np, p[2])
	s.replication_config = cfg
	return s


func make_scene() -> bool:
	var bot := Node2D.new()
	bot.name = "Bot"
	var s := sync_for([["position", true, SceneReplicationConfig.REPLICATION_MODE_ALWAYS],
		["scale", true, SceneReplicationConfig.REPLICATION_MODE_NEVER],
		["rotation", false, SceneReplicationConfig.REPLICATION_MODE_ON_CHANGE]])
	bot.add_child(s)
	s.owner = bot
	var packed := PackedScene.new()
	if packed.pack(bot) != OK:
		return false
	bot.free()
	return ResourceSaver.save(packed, "res://bot.tscn") == OK


func run() -> void:
	await process_frame
	if not make_scene():
		fail("cannot save res://bot.tscn")
		return
	var src := GDScript.new()
	src.source_code = PLAYER_SRC
	if src.reload() != OK:
		fail("player script")
		return
	var player := Node2D.new()
	player.name = "Player"
	player.set_script(src)
	player.position = Vector2(1, 2)
	var psync := sync_for([["position", false, SceneReplicationConfig.REPLICATION_MODE_ALWAYS]])
	psync.public_visibility = false
	player.add_child(psync)
	root.add_child(player)
	var world := Node.new()
	world.name = "World"
	root.add_child(world)
	var spawner := MultiplayerSpawner.new()
	spawner.name = "Spawner"
	spawner.spawn_path = NodePath("../World")
	spawner.add_spawnable_scene("res://bot.tscn")
	root.add_child(spawner)

	var mp := get_multiplayer()
	var peer := ENetMultiplayerPeer.new()
	if peer.create_server(int(args["port"])) != OK:
		fail("create_server")
		return
	mp.multiplayer_peer = peer
	print("LISTENING")
	if not await wait_for(func(): return mp.get_peers().size() >= 1, 10.0):
		fail("no first peer")
		return
	var a: int = mp.get_peers()[0]
	print("PEER ", a)
	if not await wait_for(func(): return mp.get_peers().size() >= 2, 10.0):
		fail("no second peer")
		return
	print("PEERS ", mp.get_peers())
	psync.set_visibility_for(a, true)

	var bot: Node2D = (load("res://bot.tscn") as PackedScene).instantiate()
	bot.name = "SceneBot"
	bot.position = Vector2(5, 6)
	bot.scale = Vector2(2, 3)
	var bsync: MultiplayerSynchronizer = bot.get_node("Sync")
	bsync.public_visibility = false
	bsync.set_visibility_for(a, true)
	world.add_child(bot, true)
	await process_frame
	player.rpc("hello", 7)
	bot.position = Vector2(9, 10)
	bot.rotation = 0.5
	print("STEP spawned")
	if not await wait_for(func(): return player.phase >= 1, 10.0):
		fail("no next from A")
		return
	bsync.set_visibility_for(a, false)
	var not_a := func(p): return p != a
	bsync.add_visibility_filter(not_a)
	bsync.public_visibility = true
	# Let the filter's per-frame checks run before hello(8): what they send
	# arrives before hello (all reliable, channel 0).
	for i in 5:
		await process_frame
	player.rpc("hello", 8)
	print("STEP filter accepting 0")
	if not await wait_for(func(): return player.phase >= 2, 10.0):
		fail("no second next from A")
		return
	bsync.remove_visibility_filter(not_a)
	bsync.add_visibility_filter(func(p): return p != a and p != 0)
	for i in 5:
		await process_frame
	player.rpc("hello", 9)
	print("STEP filter refusing 0")
	if not await wait_for(func(): return player.phase >= 3, 10.0):
		fail("no third next from A")
		return
	print("PASS")
	quit(0)
