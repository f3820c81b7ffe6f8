# Godot 4 interpreter of enetgo's seed API scenario (testdata/seed/scenario.txt,
# godot4_seed_test.go): runs each op with the engine's own ENetConnection and
# ENetPacketPeer and prints one "LOG ..." observation line per op, in the
# format seedGo (godot4_seed_go_test.go) writes for our API.
#
# Argument: scenario=<op line>|<op line>|... with the variables replaced.
# PASS when every op ran (the Go test compares the observations).
extends SceneTree

const STAT_KEYS = ["loss", "loss_var", "@loss_epoch", "~rtt", "~rtt_var", "~last_rtt",
	"~last_rtt_var", "~throttle", "throttle_limit", "throttle_counter", "@throttle_epoch",
	"accel", "decel", "interval"]

var hosts = {}
var peers = {}


func arg(name):
	for a in OS.get_cmdline_user_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1)
	return ""


func out(s):
	print("LOG ", s)


func big(size):
	var b = PackedByteArray()
	b.resize(size)
	for i in range(size):
		b[i] = i % 251
	return b


func head(b):
	var s = b.get_string_from_ascii()
	if b.size() <= 24 and s.length() == b.size() and not s.contains(" "):
		return s
	return str(b.size()) + "B"


func ev_name(ev):
	match ev[0]:
		ENetConnection.EVENT_CONNECT:
			return "connect:" + str(ev[2])
		ENetConnection.EVENT_DISCONNECT:
			return "disconnect:" + str(ev[2])
		ENetConnection.EVENT_RECEIVE:
			return "receive:" + str(ev[3])
	return "type" + str(ev[0])


func b2s(b):
	return "true" if b else "false"


func run_op(line):
	var f = line.split(" ", false)
	var op = f[0]
	var a = f.slice(1)
	match op:
		"host", "server":
			var c = ENetConnection.new()
			var err
			if op == "host":
				err = c.create_host(int(a[a.size() - 2]), int(a[a.size() - 1]))
			else:
				err = c.create_host_bound("127.0.0.1", int(a[1]), int(a[a.size() - 2]), int(a[a.size() - 1]))
			hosts[a[0]] = c
			out(op + " " + a[0] + " err=" + str(err))
		"connect":
			var p = hosts[a[0]].connect_to_host("127.0.0.1", int(a[2]), int(a[3]), int(a[4]))
			if p == null:
				out("connect " + a[1] + " failed err=1")
				return
			peers[a[1]] = p
			out("connect " + a[1] + " state=" + str(p.get_state()) + " channels=" + str(p.get_channels()))
		"wait":
			var c = hosts[a[0]]
			var p = peers[a[2]]
			var want = ENetConnection.EVENT_CONNECT if a[1] == "connect" else ENetConnection.EVENT_DISCONNECT
			var states = [str(p.get_state())]
			var began = Time.get_ticks_msec()
			var deadline = began + 5000
			var got = null
			while Time.get_ticks_msec() < deadline:
				var ev = c.service(0)
				var s = str(p.get_state())
				if s != states[states.size() - 1]:
					states.append(s)
				if ev[0] == want and ev[1] == p:
					got = ev
					break
				OS.delay_msec(1)
			if got == null:
				out("wait " + a[2] + " timeout states=" + ",".join(states))
				return
			out("wait " + a[2] + " event=" + a[1] + " data=" + str(got[2]) + " states=" + ",".join(states) + " active=" + b2s(p.is_active()) + " ~ms=" + str(Time.get_ticks_msec() - began))
		"accept":
			var c = hosts[a[0]]
			var deadline = Time.get_ticks_msec() + 5000
			while Time.get_ticks_msec() < deadline:
				var ev = c.service(0)
				if ev[0] == ENetConnection.EVENT_CONNECT:
					var p = ev[1]
					peers[a[1]] = p
					out("accept " + a[1] + " data=" + str(ev[2]) + " channels=" + str(p.get_channels()) + " state=" + str(p.get_state()))
					return
				OS.delay_msec(1)
			out("accept " + a[1] + " timeout")
		"idle":
			var c = hosts[a[0]]
			var evs = []
			var deadline = Time.get_ticks_msec() + int(a[1])
			while Time.get_ticks_msec() < deadline:
				var ev = c.service(0)
				if ev[0] != ENetConnection.EVENT_NONE:
					evs.append(ev_name(ev))
				OS.delay_msec(1)
			if evs.is_empty():
				evs = ["none"]
			out("idle " + a[0] + " events=" + ",".join(evs))
		"addr":
			var p = peers[a[0]]
			out("addr " + a[0] + " address=" + p.get_remote_address() + " port_matches=" + b2s(str(p.get_remote_port()) == a[1]))
		"stats":
			var p = peers[a[0]]
			var s = "stats " + a[0]
			for i in range(STAT_KEYS.size()):
				var v = int(p.get_statistic(i))
				var k = STAT_KEYS[i]
				if k.begins_with("@"):
					s += " " + k.substr(1) + "=" + ("set" if v != 0 else "zero")
				else:
					s += " " + k + "=" + str(v)
			out(s)
		"throttle", "timeout", "ping_interval", "ping":
			var p = peers[a[0]]
			match op:
				"throttle":
					p.throttle_configure(int(a[1]), int(a[2]), int(a[3]))
				"timeout":
					p.set_timeout(int(a[1]), int(a[2]), int(a[3]))
				"ping_interval":
					p.ping_interval(int(a[1]))
				"ping":
					p.ping()
			out(op + " " + a[0] + " state=" + str(p.get_state()))
		"send", "sendbig":
			var p = peers[a[0]]
			var data
			if op == "send":
				data = " ".join(a.slice(3)).to_ascii_buffer()
			else:
				data = big(int(a[3]))
			var err = p.send(int(a[1]), data, int(a[2]))
			out(op + " " + a[0] + " ch=" + a[1] + " flags=" + a[2] + " err=" + str(err))
		"recv":
			var c = hosts[a[0]]
			var p = peers[a[1]]
			var n = int(a[2])
			var got = []
			var deadline = Time.get_ticks_msec() + 5000
			while got.size() < n and Time.get_ticks_msec() < deadline:
				var ev = c.service(0)
				if ev[0] == ENetConnection.EVENT_RECEIVE and ev[1] == p:
					var flags = p.get_packet_flags()
					var pkt = p.get_packet()
					got.append("ch=" + str(ev[3]) + ",flags=" + str(flags) + "," + head(pkt))
				OS.delay_msec(1)
			got.sort()
			out("recv " + a[1] + " n=" + str(got.size()) + " " + ";".join(got))
		"flags":
			var p = peers[a[0]]
			out("flags " + a[0] + " value=" + str(p.get_packet_flags()) + " available=" + str(p.get_available_packet_count()))
		"disconnect", "disconnect_later", "disconnect_now", "reset":
			var p = peers[a[0]]
			match op:
				"disconnect":
					p.peer_disconnect(int(a[1]))
				"disconnect_later":
					p.peer_disconnect_later(int(a[1]))
				"disconnect_now":
					p.peer_disconnect_now(int(a[1]))
				"reset":
					p.reset()
			out(op + " " + a[0] + " state=" + str(p.get_state()) + " active=" + b2s(p.is_active()))
		"state":
			var p = peers[a[0]]
			out("state " + a[0] + " state=" + str(p.get_state()) + " active=" + b2s(p.is_active()) + " channels=" + str(p.get_channels()))
		"refuse":
			hosts[a[0]].refuse_new_connections(a[1] == "true")
			out("refuse " + a[0])
		"flush":
			hosts[a[0]].flush()
			out("flush " + a[0])
		"destroy":
			hosts[a[0]].destroy()
			out("destroy " + a[0])
		_:
			print("FAIL: unknown op ", op)
			quit(1)


func _init():
	var lines = arg("scenario").split("|", false)
	if lines.is_empty():
		print("FAIL: no scenario")
		quit(1)
		return
	for line in lines:
		run_op(line)
	print("PASS")
	quit(0)
