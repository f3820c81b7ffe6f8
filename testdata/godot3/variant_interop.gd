# Variant interop between Godot 3.2.3 and the Go package variant.
#
# Prints "ENC <name> <hex of var2bytes(value)>" for every case in cases().
# With in=<file>, reads lines "<name> <hex>" written by the Go test, decodes
# each with bytes2var and prints "DEC <name> PASS" or "DEC <name> FAIL ...".
# Ends with PASS and exit code 0 when every decode matched, else FAIL.
extends SceneTree


func cases():
	var freed = Node.new()
	freed.free()
	var nested_dict = {}
	nested_dict["k"] = PoolByteArray([9])
	var mixed = {}
	mixed["z"] = 1
	mixed["a"] = 2
	mixed[3] = "three"
	mixed[Vector2(1, 1)] = [1, 2]
	mixed["nested"] = nested_dict
	var basis = Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))
	return [
		["nil", null],
		["bool_true", true],
		["bool_false", false],
		["int_0", 0],
		["int_7", 7],
		["int_neg", -1],
		["int_max32", 2147483647],
		["int_min32", -2147483648],
		["int_over32", 2147483648],
		["int_under32", -2147483649],
		["int_max64", 9223372036854775807],
		["int_min64", -9223372036854775807 - 1],
		["float_0", 0.0],
		["float_1_5", 1.5],
		["float_neg", -2.25],
		["float_tenth", 0.1],
		["float_big", 1e300],
		["float_2p24", 16777216.0],
		["float_2p24_plus1", 16777217.0],
		["str_empty", ""],
		["str_hi", "hi"],
		["str_4", "abcd"],
		["str_utf8", "héllo ✓"],
		["str_emoji", "😀"],
		["vec2", Vector2(1.5, -2)],
		["vec2_tenth", Vector2(0.1, 0.2)],
		["rect2", Rect2(1, 2, 3, 4)],
		["vec3", Vector3(1, 2, 3)],
		["t2d", Transform2D(Vector2(1, 2), Vector2(3, 4), Vector2(5, 6))],
		["plane", Plane(1, 2, 3, 4)],
		["quat", Quat(0.5, 0.25, 0.125, 1)],
		["aabb", AABB(Vector3(1, 2, 3), Vector3(4, 5, 6))],
		["basis", basis],
		["transform", Transform(basis, Vector3(10, 11, 12))],
		["color", Color(0.5, 0.25, 1, 0.75)],
		["np_abs", NodePath("/root/a:b:c")],
		["np_rel", NodePath("a/b")],
		["np_empty", NodePath("")],
		["np_sub", NodePath(":position:x")],
		["rid", RID()],
		["obj_freed", freed],
		["arr_empty", []],
		["arr_nested", [1, [2, [3, {}]], "x", null, 1.5]],
		["dict_empty", {}],
		["dict_mixed", mixed],
		["pool_bytes", PoolByteArray([1, 2, 3])],
		["pool_bytes_empty", PoolByteArray()],
		["pool_bytes_5", PoolByteArray([1, 2, 3, 4, 5])],
		["pool_ints", PoolIntArray([1, -2, 2147483647])],
		["pool_reals", PoolRealArray([1.5, -0.25, 0.1])],
		["pool_strings", PoolStringArray(["a", "", "héllo", "abc"])],
		["pool_vec2", PoolVector2Array([Vector2(1, 2), Vector2(-3, 0.5)])],
		["pool_vec3", PoolVector3Array([Vector3(1, 2, 3)])],
		["pool_colors", PoolColorArray([Color(1, 0, 0, 1), Color(0, 0.5, 1, 0.25)])],
	]


# Values only checked when decoding what Go sent.
func decode_only():
	return {
		"str_nul": "a",  # Go sends "a\u0000b"; Godot stops at the NUL.
		"obj_null": null,  # Go sends ObjectID(0); checked as a null Object.
	}


func unhex(s):
	var b = PoolByteArray()
	for i in range(0, s.length(), 2):
		b.append(("0x" + s.substr(i, 2)).hex_to_int())
	return b


func deep_eq(a, b):
	if typeof(a) != typeof(b):
		return false
	match typeof(a):
		TYPE_ARRAY, TYPE_RAW_ARRAY, TYPE_INT_ARRAY, TYPE_REAL_ARRAY, TYPE_STRING_ARRAY, TYPE_VECTOR2_ARRAY, TYPE_VECTOR3_ARRAY, TYPE_COLOR_ARRAY:
			if a.size() != b.size():
				return false
			for i in range(a.size()):
				if not deep_eq(a[i], b[i]):
					return false
			return true
		TYPE_DICTIONARY:
			if a.size() != b.size():
				return false
			var ka = a.keys()
			var kb = b.keys()
			for i in range(ka.size()):
				if not deep_eq(ka[i], kb[i]):
					return false
				if not deep_eq(a[ka[i]], b[kb[i]]):
					return false
			return true
	return a == b


func arg(name):
	for a in OS.get_cmdline_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1, a.length() - name.length() - 1)
	return ""


func _init():
	var expected = {}
	for c in cases():
		expected[c[0]] = c[1]
		print("ENC " + c[0] + " " + var2bytes(c[1]).hex_encode())
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
			if name == "obj_null":
				ok = typeof(got) == TYPE_OBJECT and got == null
			else:
				ok = deep_eq(got, expected[name])
			if ok:
				print("DEC " + name + " PASS")
			else:
				print("DEC " + name + " FAIL got " + str(got) + " want " + str(expected[name]))
				fails += 1
		f.close()

	if fails == 0:
		print("PASS")
		quit(0)
	else:
		print("FAIL: %d cases did not decode as expected" % fails)
		quit(1)
