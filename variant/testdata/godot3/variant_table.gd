# Variant table between Godot 3 (3.2.3 and 3.6.2) and the Go package
# variant (both directions, one run).
#
# 1. Prints "ENC <name> <hex of var2bytes(value)>" for every case in cases(),
#    "VAL <name> <int>" for cases whose Go value depends on this run
#    (instance ids), and "FULL <hex>" for an object sent with full objects.
# 2. With in=<file>, reads lines "<name> <hex>" written by the Go test,
#    decodes each with bytes2var, checks the value against its own (cases()
#    or decode_only()) and prints "DEC <name> PASS" or "DEC <name> FAIL ...",
#    then "REENC <name> <hex of var2bytes of the decoded value>" for the Go
#    test to compare with what it sent.
# Ends with PASS and exit code 0 when every decode matched, else FAIL.
extends SceneTree

var node
var freed


func cases():
	var nested_dict = {}
	nested_dict["k"] = PoolByteArray([9])
	var mixed = {}
	mixed["z"] = 1
	mixed["a"] = 2
	mixed[3] = "three"
	mixed[1.5] = null
	mixed[Vector2(1, 1)] = [1, 2]
	mixed["nested"] = nested_dict
	var basis = Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))
	# A literal -0.0 may fold to 0.0: negate at run time.
	var zero = 0.0
	var deep = "bottom"
	for i in range(32):
		deep = [deep]
	var long = ""
	for i in range(30):
		long += "0123456789"
	return [
		["nil", null],
		["bool_true", true],
		["bool_false", false],
		["int_0", 0],
		["int_7", 7],
		["int_neg1", -1],
		["int_max32", 2147483647],
		["int_min32", -2147483648],
		["int_over32", 2147483648],
		["int_under32", -2147483649],
		["int_2p40", 1099511627776],
		["int_max64", 9223372036854775807],
		["int_min64", -9223372036854775807 - 1],
		["float_0", 0.0],
		["float_neg0", -zero],
		["float_1_5", 1.5],
		["float_neg", -2.25],
		["float_tenth", 0.1],
		["float_big", 1e300],
		["float_min_normal", pow(2.0, -1022)],
		["float_denormal", pow(2.0, -1074)],
		["float_2p24", 16777216.0],
		["float_2p24_plus1", 16777217.0],
		["float_2p127", pow(2.0, 127)],
		["float_nan", NAN],
		["float_inf", INF],
		["float_ninf", -INF],
		["str_empty", ""],
		["str_hi", "hi"],
		["str_4", "abcd"],
		["str_utf8", "héllo ✓"],
		["str_emoji", "😀"],
		["str_cjk", "日本語テキスト"],
		["str_long", long],
		["np_empty", NodePath("")],
		["np_abs", NodePath("/root/Main/Player")],
		["np_rel", NodePath("a/b")],
		["np_sub", NodePath("Player:position:x")],
		["np_only_sub", NodePath(":position:x")],
		["np_parent", NodePath("../x")],
		["np_abs_sub", NodePath("/root/a:b:c")],
		["np_utf8", NodePath("ü/ßx:é")],
		["vec2", Vector2(1.5, -2)],
		["vec2_tenth", Vector2(0.1, 0.2)],
		["vec2_inf", Vector2(INF, -INF)],
		["rect2", Rect2(1, 2, 3, 4)],
		["vec3", Vector3(1, 2, 3)],
		["vec3_nan", Vector3(NAN, 0, 1)],
		["t2d", Transform2D(Vector2(1, 2), Vector2(3, 4), Vector2(5, 6))],
		["plane", Plane(1, 2, 3, 4)],
		["quat", Quat(0.5, 0.25, 0.125, 1)],
		["aabb", AABB(Vector3(1, 2, 3), Vector3(4, 5, 6))],
		["basis", basis],
		["transform", Transform(basis, Vector3(10, 11, 12))],
		["color", Color(0.5, 0.25, 1, 0.75)],
		["color_tenth", Color(0.1, 0.2, 0.3, 1)],
		["rid", RID()],
		["obj_freed", freed],
		["obj_live", node],
		["dict_empty", {}],
		["dict_mixed", mixed],
		["dict_nested", {"a": {"b": [1, {"c": null}]}}],
		["arr_empty", []],
		["arr_nested", [1, [2, [3, {}]], "x", null, 1.5]],
		["arr_deep", deep],
		["pool_bytes_empty", PoolByteArray()],
		["pool_bytes_1", PoolByteArray([255])],
		["pool_bytes_3", PoolByteArray([1, 2, 3])],
		["pool_bytes_4", PoolByteArray([1, 2, 3, 4])],
		["pool_bytes_5", PoolByteArray([1, 2, 3, 4, 5])],
		["pool_ints", PoolIntArray([1, -2, 2147483647, -2147483648])],
		["pool_ints_empty", PoolIntArray()],
		["pool_reals", PoolRealArray([1.5, -0.25, 0.1])],
		["pool_reals_empty", PoolRealArray()],
		["pool_strings", PoolStringArray(["a", "", "héllo", "abc", "abcd"])],
		["pool_strings_empty", PoolStringArray()],
		["pool_vec2", PoolVector2Array([Vector2(1, 2), Vector2(-3, 0.5)])],
		["pool_vec2_tenth", PoolVector2Array([Vector2(0.1, 0.2)])],
		["pool_vec2_empty", PoolVector2Array()],
		["pool_vec3", PoolVector3Array([Vector3(1, 2, 3), Vector3(-1, 0, 0.25)])],
		["pool_vec3_empty", PoolVector3Array()],
		["pool_colors", PoolColorArray([Color(1, 0, 0, 1), Color(0, 0.5, 1, 0.25)])],
		["pool_colors_empty", PoolColorArray()],
		["nest_mix", [{"k": PoolByteArray([9])}, [Vector3(1, 2, 3)], {"s": Rect2(0, 0, 1, 1)}, PoolStringArray(["x"])]],
	]


# Values only checked when decoding what Go sent.
func decode_only():
	return {
		"str_nul": "a",  # Go sends "a\u0000b".
		"go_int8": -5,
		"go_uint32": 4294967295,
		"go_float32": 0.10000000149011612,
		"go_map": {"a": 2, "b": 1},
		"go_obj_id": "special",
		"go_obj_zero": null,
		"raw_obj_id0": "special",
		"go_typed_array": [1, 2],
		"go_vec2_double": Vector2(0.1, 0.2),
		"raw_depth_1024": "special",
	}


# special checks a decoded value that == cannot compare.
func special(name, got):
	match name:
		"go_obj_id":
			return got is EncodedObjectAsID and got.get_object_id() == 1234567890123
		"raw_depth_1024":
			return depth(got) == 1024
		"raw_obj_id0":
			return typeof(got) == TYPE_OBJECT and got == null
	return false


# depth returns how many single-element arrays wrap v's innermost value,
# or -1 if that value is not null.
func depth(v):
	var n = 0
	while typeof(v) == TYPE_ARRAY and v.size() == 1:
		v = v[0]
		n += 1
	if v != null:
		return -1
	return n


func same_real(a, b):
	if is_nan(a) or is_nan(b):
		return is_nan(a) and is_nan(b)
	# The sign bit tells -0.0 from 0.0 (Godot 3 fails on 1.0 / 0.0).
	if a == 0.0 and b == 0.0:
		return var2bytes(a) == var2bytes(b)
	return a == b


func same(a, b):
	if typeof(a) != typeof(b):
		return false
	match typeof(a):
		TYPE_REAL:
			return same_real(a, b)
		TYPE_ARRAY:
			if a.size() != b.size():
				return false
			for i in range(a.size()):
				if not same(a[i], b[i]):
					return false
			return true
		TYPE_DICTIONARY:
			if a.size() != b.size():
				return false
			var ka = a.keys()
			var kb = b.keys()
			for i in range(ka.size()):
				if not same(ka[i], kb[i]) or not same(a[ka[i]], b[kb[i]]):
					return false
			return true
		TYPE_REAL_ARRAY:
			if a.size() != b.size():
				return false
			for i in range(a.size()):
				if not same_real(a[i], b[i]):
					return false
			return true
		TYPE_STRING:
			return a == b
	if a == b:
		return true
	# NaN components never compare equal: fall back to the encoding.
	return var2bytes(a) == var2bytes(b)


func unhex(s):
	var b = PoolByteArray()
	for i in range(0, s.length(), 2):
		b.append(("0x" + s.substr(i, 2)).hex_to_int())
	return b


func arg(name):
	for a in OS.get_cmdline_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1, a.length() - name.length() - 1)
	return ""


func _init():
	node = Node.new()
	freed = Node.new()
	freed.free()
	var expected = {}
	for c in cases():
		expected[c[0]] = c[1]
		print("ENC " + c[0] + " " + var2bytes(c[1]).hex_encode())
	print("VAL obj_live %d" % node.get_instance_id())
	print("FULL " + var2bytes(Reference.new(), true).hex_encode())
	var extra = decode_only()
	for k in extra:
		expected[k] = extra[k]

	var fails = 0
	var path = arg("in")
	if path != "":
		var f = File.new()
		if f.open(path, File.READ) != OK:
			print("FAIL: cannot open " + path)
			quit(1)
			return
		while not f.eof_reached():
			var line = f.get_line().strip_edges()
			if line == "":
				continue
			var parts = line.split(" ")
			var name = parts[0]
			if not expected.has(name):
				print("DEC " + name + " FAIL unknown case")
				fails += 1
				continue
			var got = bytes2var(unhex(parts[1]))
			var ok = false
			if typeof(expected[name]) == TYPE_STRING and expected[name] == "special":
				ok = special(name, got)
			else:
				ok = same(got, expected[name])
			if not ok:
				print("DEC " + name + " FAIL got " + var2str(got) + " want " + var2str(expected[name]))
				fails += 1
				continue
			print("DEC " + name + " PASS")
			print("REENC " + name + " " + var2bytes(got).hex_encode())
		f.close()
	node.free()
	if fails == 0:
		print("PASS")
		quit(0)
	else:
		print("FAIL: %d cases did not decode as expected" % fails)
		quit(1)
