# Godot 4 clients with SceneMultiplayer.auth_callback against enetgo's
# Godot4 multiplayer.Server with ServerConfig.Auth (the Go test runs the
# server; it sends "challenge" to every client as soon as it connects and
# reads the client's answer "pw:<name>").
#
# Arguments: port=<server port>.
# Five clients, each under its own SceneMultiplayer:
#   good:  answers "pw:good" to the challenge and completes; once
#          peer_connected(1) it send_bytes "hi from good" and waits for the
#          server's "welcome";
#   bad:   answers "pw:bad" and completes; the server refuses it;
#   slow:  answers "pw:slow" but never completes (its auth_timeout is 10 s):
#          the server's timeout drops it;
#   quick: answers "pw:stall" and completes with auth_timeout 0.5 s; the
#          server never completes, so Godot's own timeout drops it;
#   none:  no auth_callback at all.
# Every signal is printed "SIG <who> <signal> <id>", every callback call
# "AUTH <who> from=<id> data=<text>", every packet "GOT <who> from=<id>
# data=<text>", and each client's id "ID <who> id=<id>" at the start. When
# every client reached its end it prints PASS, or "FAIL: reason" on timeout.
extends SceneTree

var mps = {}
var sigs = {}
var got = {}
var done = false
var deadline = 0
var names = ["good", "bad", "slow", "quick", "none"]


func arg(name):
	for x in OS.get_cmdline_user_args():
		if x.begins_with(name + "="):
			return x.substr(name.length() + 1)
	return ""


func sig(who, what, id):
	sigs[who].append(what)
	print("SIG ", who, " ", what, " ", id)


func on_auth(who, id, data):
	var text = data.get_string_from_utf8()
	print("AUTH ", who, " from=", id, " data=", text)
	var mp = mps[who]
	if text != "challenge":
		return
	var answer = {"good": "pw:good", "bad": "pw:bad", "slow": "pw:slow", "quick": "pw:stall"}[who]
	if mp.send_auth(id, answer.to_utf8_buffer()) != OK:
		print("FAIL: send_auth ", who)
	if who != "slow":
		if mp.complete_auth(id) != OK:
			print("FAIL: complete_auth ", who)


func make(who, port):
	var peer = ENetMultiplayerPeer.new()
	if peer.create_client("127.0.0.1", port) != OK:
		return null
	print("ID ", who, " id=", peer.get_unique_id())
	var mp = SceneMultiplayer.new()
	sigs[who] = []
	got[who] = []
	if who != "none":
		mp.auth_callback = func(id, data): on_auth(who, id, data)
	if who == "slow":
		mp.auth_timeout = 10.0
	if who == "quick":
		mp.auth_timeout = 0.5
	mp.peer_connected.connect(func(id):
		sig(who, "peer_connected", id)
		if who == "good" and id == 1:
			mp.send_bytes("hi from good".to_utf8_buffer(), 1))
	mp.peer_disconnected.connect(func(id): sig(who, "peer_disconnected", id))
	mp.peer_authenticating.connect(func(id): sig(who, "peer_authenticating", id))
	mp.peer_authentication_failed.connect(func(id): sig(who, "peer_authentication_failed", id))
	mp.connected_to_server.connect(func(): sig(who, "connected_to_server", 1))
	mp.connection_failed.connect(func(): sig(who, "connection_failed", 1))
	mp.server_disconnected.connect(func(): sig(who, "server_disconnected", 1))
	mp.peer_packet.connect(func(id, data):
		got[who].append(data.get_string_from_utf8())
		print("GOT ", who, " from=", id, " data=", data.get_string_from_utf8()))
	var n = Node.new()
	n.name = who
	root.add_child(n)
	set_multiplayer(mp, NodePath("/root/" + who))
	mp.multiplayer_peer = peer
	return mp


func _initialize():
	var port = int(arg("port"))
	for who in names:
		mps[who] = make(who, port)
		if mps[who] == null:
			print("FAIL: create_client ", who)
			quit(1)
			return
	deadline = Time.get_ticks_msec() + 12000


func finished(who):
	match who:
		"good":
			return got[who].has("welcome")
		"none":
			return "server_disconnected" in sigs[who]
	return "peer_authentication_failed" in sigs[who]


func _process(_delta):
	OS.delay_msec(3)
	if done:
		return true
	for who in names:
		if not finished(who):
			if Time.get_ticks_msec() > deadline:
				print("FAIL: timeout ", sigs, " ", got)
				done = true
				quit(1)
				return true
			return false
	done = true
	print("PASS")
	quit(0)
	return true
