# Godot 4 client for scene's TestGodot4Replication. Arguments: port=N.
# /root/Player has a path-based MultiplayerSynchronizer (Player/Sync,
# authority 1) replicating position; /root/Spawner spawns into
# /root/World with a spawn_function whose nodes carry a synchronizer with
# position as spawn and sync property; /root/Mine/Sync is this client's
# own synchronizer, so it sends SYNC to the server. Player's rotation is
# an "on change" property, set by the server's delta packet.
# The spawner also has a spawnable scene, res://bot.tscn, packed and saved
# here at start: a Node2D with a synchronizer whose spawn properties are
# position (also "always") and scale (spawn only), and rotation "on change".
extends SceneTree

var args := {}
var spawned_pos = null
var spawn_arg = null
var despawned := false


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


func position_config(spawn: bool, watch: bool) -> SceneReplicationConfig:
	var cfg := SceneReplicationConfig.new()
	cfg.add_property(NodePath(".:position"))
	cfg.property_set_spawn(NodePath(".:position"), spawn)
	cfg.property_set_replication_mode(NodePath(".:position"), SceneReplicationConfig.REPLICATION_MODE_ALWAYS)
	if watch:
		# An "on change" property: it travels in delta packets.
		cfg.add_property(NodePath(".:rotation"))
		cfg.property_set_spawn(NodePath(".:rotation"), false)
		cfg.property_set_replication_mode(NodePath(".:rotation"), SceneReplicationConfig.REPLICATION_MODE_ON_CHANGE)
	return cfg


func with_sync(n: Node2D, spawn: bool, watch := false) -> Node2D:
	var s := MultiplayerSynchronizer.new()
	s.name = "Sync"
	s.root_path = NodePath("..")
	s.replication_config = position_config(spawn, watch)
	n.add_child(s)
	return n


func make_bot(data) -> Node:
	spawn_arg = data
	var n := Node2D.new()
	return with_sync(n, true)


# make_scene packs the spawnable scene and saves it as res://bot.tscn.
func make_scene() -> bool:
	var bot := Node2D.new()
	bot.name = "Bot"
	var s := MultiplayerSynchronizer.new()
	s.name = "Sync"
	s.root_path = NodePath("..")
	var cfg := SceneReplicationConfig.new()
	cfg.add_property(NodePath(".:position"))
	cfg.property_set_spawn(NodePath(".:position"), true)
	cfg.property_set_replication_mode(NodePath(".:position"), SceneReplicationConfig.REPLICATION_MODE_ALWAYS)
	cfg.add_property(NodePath(".:scale"))
	cfg.property_set_spawn(NodePath(".:scale"), true)
	cfg.property_set_replication_mode(NodePath(".:scale"), SceneReplicationConfig.REPLICATION_MODE_NEVER)
	cfg.add_property(NodePath(".:rotation"))
	cfg.property_set_spawn(NodePath(".:rotation"), false)
	cfg.property_set_replication_mode(NodePath(".:rotation"), SceneReplicationConfig.REPLICATION_MODE_ON_CHANGE)
	s.replication_config = cfg
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
	var player := Node2D.new()
	player.name = "Player"
	root.add_child(with_sync(player, false, true))
	var world := Node.new()
	world.name = "World"
	root.add_child(world)
	var spawner := MultiplayerSpawner.new()
	spawner.name = "Spawner"
	spawner.spawn_path = NodePath("../World")
	spawner.spawn_function = make_bot
	spawner.add_spawnable_scene("res://bot.tscn")
	spawner.spawned.connect(func(n): spawned_pos = n.position)
	spawner.despawned.connect(func(_n): despawned = true)
	root.add_child(spawner)

	var mp := get_multiplayer()
	var peer := ENetMultiplayerPeer.new()
	if peer.create_client("127.0.0.1", int(args["port"])) != OK:
		fail("create_client")
		return
	mp.multiplayer_peer = peer
	if not await wait_for(func(): return peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED, 5.0):
		fail("not connected")
		return
	# This client's own synchronizer: it sends SYNC to the server.
	var mine := Node2D.new()
	mine.name = "Mine"
	mine.position = Vector2(3, 4)
	root.add_child(with_sync(mine, false))
	mine.get_node("Sync").set_multiplayer_authority(mp.get_unique_id())
	print("READY ", mp.get_unique_id())

	if not await wait_for(func(): return player.position == Vector2(10, 20), 5.0):
		fail("player position %s" % player.position)
		return
	print("STEP player synced")
	if not await wait_for(func(): return player.rotation == 1.5, 5.0):
		fail("player rotation %s" % player.rotation)
		return
	print("STEP player delta")
	if not await wait_for(func(): return world.has_node("Bot"), 5.0):
		fail("no spawn")
		return
	print("STEP spawned arg=%s pos=%s" % [spawn_arg, spawned_pos])
	if spawn_arg != "bot-arg" or spawned_pos != Vector2(5, 6):
		fail("spawn arg %s pos %s" % [spawn_arg, spawned_pos])
		return
	var bot: Node2D = world.get_node("Bot")
	if not await wait_for(func(): return bot.position == Vector2(7, 8), 5.0):
		fail("bot position %s" % bot.position)
		return
	print("STEP bot synced")
	if not await wait_for(func(): return despawned, 5.0):
		fail("no despawn")
		return
	print("STEP despawned")

	# Scene-index spawn: scene 0 is res://bot.tscn.
	if not await wait_for(func(): return world.has_node("SceneBot"), 5.0):
		fail("no scene spawn")
		return
	var sb: Node2D = world.get_node("SceneBot")
	print("STEP scene spawned file=%s pos=%s scale=%s" % [sb.scene_file_path, sb.position, sb.scale])
	if sb.scene_file_path != "res://bot.tscn" or sb.position != Vector2(5, 6) or sb.scale != Vector2(2, 3):
		fail("scene spawn %s %s %s" % [sb.scene_file_path, sb.position, sb.scale])
		return
	if not await wait_for(func(): return sb.position == Vector2(9, 10), 5.0):
		fail("scene bot position %s" % sb.position)
		return
	print("STEP scene synced")
	if not await wait_for(func(): return sb.rotation == 0.5, 5.0):
		fail("scene bot rotation %s" % sb.rotation)
		return
	print("STEP scene delta")
	if not await wait_for(func(): return not is_instance_valid(sb) or not world.has_node("SceneBot"), 5.0):
		fail("no scene despawn")
		return
	print("STEP scene despawned")
	print("PASS")
	quit(0)
