# Godot 3 client for scene's TestGodot3LocalShortcut (3.2.3 and 3.6.2).
# Arguments: port=N. /root/Own (network master: this client) and /root/Srv
# (master: the server) have one method and one property per RPC mode. The
# client calls every method with rpc (to everyone), rpc_id(1) and rpc_id on
# itself, and rsets every property with rset, passing a tag
# "node/name/target". What runs here prints "LOCAL tag"; the Go server
# records what arrives. The run ends with DONE and PASS.
extends SceneTree

const NODE_SRC = """
extends Node
remote func m_remote(tag): print("LOCAL ", tag)
remotesync func m_remotesync(tag): print("LOCAL ", tag)
master func m_master(tag): print("LOCAL ", tag)
mastersync func m_mastersync(tag): print("LOCAL ", tag)
puppet func m_puppet(tag): print("LOCAL ", tag)
puppetsync func m_puppetsync(tag): print("LOCAL ", tag)
remote var p_remote setget set_p_remote
remotesync var p_remotesync setget set_p_remotesync
master var p_master setget set_p_master
mastersync var p_mastersync setget set_p_mastersync
puppet var p_puppet setget set_p_puppet
puppetsync var p_puppetsync setget set_p_puppetsync
func set_p_remote(v): print("LOCAL ", v)
func set_p_remotesync(v): print("LOCAL ", v)
func set_p_master(v): print("LOCAL ", v)
func set_p_mastersync(v): print("LOCAL ", v)
func set_p_puppet(v): print("LOCAL ", v)
func set_p_puppetsync(v): print("LOCAL ", v)
remote func done(): pass
"""

const MODES = ["remote", "remotesync", "master", "mastersync", "puppet", "puppetsync"]


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
	s.source_code = NODE_SRC
	if s.reload() != OK:
		fail("script")
		return
	var nodes = []
	for name in ["Own", "Srv"]:
		var n = Node.new()
		n.name = name
		n.set_script(s)
		root.add_child(n)
		nodes.append(n)
	var peer = NetworkedMultiplayerENet.new()
	peer.compression_mode = NetworkedMultiplayerENet.COMPRESS_NONE
	if peer.create_client("127.0.0.1", int(arg("port"))) != OK:
		fail("create_client")
		return
	network_peer = peer
	var deadline = OS.get_ticks_msec() + 10000
	while peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		if OS.get_ticks_msec() > deadline:
			fail("not connected")
			return
		yield(self, "idle_frame")
	var me = get_network_unique_id()
	nodes[0].set_network_master(me)
	print("ID ", me)
	for n in nodes:
		for m in MODES:
			n.rpc("m_" + m, "%s/m_%s/all" % [n.name, m])
			n.rpc_id(1, "m_" + m, "%s/m_%s/server" % [n.name, m])
			n.rpc_id(me, "m_" + m, "%s/m_%s/self" % [n.name, m])
			n.rset("p_" + m, "%s/p_%s/all" % [n.name, m])
	nodes[0].rpc_id(1, "done")
	for i in range(30):
		yield(self, "idle_frame")
	print("DONE")
	print("PASS")
	quit(0)
