# Variant table between Godot 4 and the Go package variant (both directions,
# one run).
#
# 1. Prints "ENC <name> <hex of var_to_bytes(value)>" for every case in
#    cases(), and "VAL <name> <int>" for cases whose Go value depends on this
#    run (instance ids), and "FULL <hex>" for an object sent with
#    var_to_bytes_with_objects.
# 2. With in=<file>, reads lines "<name> <hex>" written by the Go test,
#    decodes each with bytes_to_var, checks the value against its own
#    (cases() or decode_only()) and prints "DEC <name> PASS" or
#    "DEC <name> FAIL ...", then "REENC <name> <hex of var_to_bytes of the
#    decoded value>" for the Go test to compare with what it sent.
# Ends with PASS and exit code 0 when every decode matched, else FAIL.
extends SceneTree

var node: Node
var freed: Node


func cases() -> Array:
	var nested_dict := {}
	nested_dict["k"] = PackedByteArray([9])
	var mixed := {}
	mixed["z"] = 1
	mixed["a"] = 2
	mixed[3] = "three"
	mixed[1.5] = null
	mixed[&"sn"] = &"value"
	mixed[Vector2(1, 1)] = [1, 2]
	mixed["nested"] = nested_dict
	var basis := Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))
	# A literal -0.0 folds to 0.0 in GDScript: negate at run time.
	var zero := 0.0
	var deep: Variant = "bottom"
	for i in range(32):
		deep = [deep]
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
		["str_long", "0123456789".repeat(30)],
		["sn_empty", &""],
		["sn", &"player_name"],
		["sn_utf8", &"ünïcode"],
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
		["vec2i", Vector2i(1, -2147483648)],
		["rect2", Rect2(1, 2, 3, 4)],
		["rect2i", Rect2i(-1, 2, 3, 2147483647)],
		["vec3", Vector3(1, 2, 3)],
		["vec3_nan", Vector3(NAN, 0, 1)],
		["vec3i", Vector3i(-7, 0, 9)],
		["t2d", Transform2D(Vector2(1, 2), Vector2(3, 4), Vector2(5, 6))],
		["vec4", Vector4(1, -2, 3.5, 4)],
		["vec4i", Vector4i(1, 2, 3, -4)],
		["plane", Plane(1, 2, 3, 4)],
		["quat", Quaternion(0.5, 0.25, 0.125, 1)],
		["aabb", AABB(Vector3(1, 2, 3), Vector3(4, 5, 6))],
		["basis", basis],
		["t3d", Transform3D(basis, Vector3(10, 11, 12))],
		["proj", Projection(Vector4(1, 2, 3, 4), Vector4(5, 6, 7, 8), Vector4(9, 10, 11, 12), Vector4(13, 14, 15, 16))],
		["color", Color(0.5, 0.25, 1, 0.75)],
		["color_tenth", Color(0.1, 0.2, 0.3, 1)],
		["rid_zero", RID()],
		["rid", rid_from_int64(123456789012)],
		["obj_freed", freed],
		["obj_live", node],
		["callable_null", Callable()],
		["callable_live", Callable(node, "queue_free")],
		["signal_null", Signal()],
		["signal_live", Signal(node, "ready")],
		["dict_empty", {}],
		["dict_mixed", mixed],
		["dict_nested", {"a": {"b": [1, {"c": null}]}}],
		["dict_typed", Dictionary({"x": 1, "y": 2}, TYPE_STRING, &"", null, TYPE_INT, &"", null)],
		["dict_typed_key", Dictionary({1: "one"}, TYPE_INT, &"", null, TYPE_NIL, &"", null)],
		["dict_typed_value", Dictionary({"v": Vector2(1, 2)}, TYPE_NIL, &"", null, TYPE_VECTOR2, &"", null)],
		["dict_typed_class", Dictionary({}, TYPE_INT, &"", null, TYPE_OBJECT, &"Node", null)],
		["arr_empty", []],
		["arr_nested", [1, [2, [3, {}]], "x", null, 1.5]],
		["arr_deep", deep],
		["arr_typed_int", Array([1, 2, 3], TYPE_INT, &"", null)],
		["arr_typed_str", Array(["a", "b"], TYPE_STRING, &"", null)],
		["arr_typed_empty", Array([], TYPE_FLOAT, &"", null)],
		["arr_typed_node", Array([], TYPE_OBJECT, &"Node", null)],
		["arr_typed_vec2", Array([Vector2(1, 2)], TYPE_VECTOR2, &"", null)],
		["arr_typed_arr", Array([[1], []], TYPE_ARRAY, &"", null)],
		["pba_empty", PackedByteArray()],
		["pba_1", PackedByteArray([255])],
		["pba_3", PackedByteArray([1, 2, 3])],
		["pba_4", PackedByteArray([1, 2, 3, 4])],
		["pba_5", PackedByteArray([1, 2, 3, 4, 5])],
		["pi32", PackedInt32Array([1, -2, 2147483647, -2147483648])],
		["pi32_empty", PackedInt32Array()],
		["pi64", PackedInt64Array([1, -2, 9223372036854775807, -9223372036854775807 - 1])],
		["pi64_empty", PackedInt64Array()],
		["pf32", PackedFloat32Array([1.5, -0.25, 0.1])],
		["pf32_empty", PackedFloat32Array()],
		["pf64", PackedFloat64Array([0.1, -1e300, pow(2.0, -1074), -zero])],
		["pf64_empty", PackedFloat64Array()],
		["pstr", PackedStringArray(["a", "", "héllo", "abc", "abcd"])],
		["pstr_empty", PackedStringArray()],
		["pv2", PackedVector2Array([Vector2(1, 2), Vector2(-3, 0.5)])],
		["pv2_tenth", PackedVector2Array([Vector2(0.1, 0.2)])],
		["pv2_empty", PackedVector2Array()],
		["pv3", PackedVector3Array([Vector3(1, 2, 3), Vector3(-1, 0, 0.25)])],
		["pv3_empty", PackedVector3Array()],
		["pcol", PackedColorArray([Color(1, 0, 0, 1), Color(0, 0.5, 1, 0.25)])],
		["pcol_empty", PackedColorArray()],
		["pv4", PackedVector4Array([Vector4(1, 2, 3, 4), Vector4(-1, 0.5, 0, 1e10)])],
		["pv4_empty", PackedVector4Array()],
		["nest_mix", [{"k": PackedByteArray([9])}, [Vector2i(1, 2)], {&"sn": NodePath("a")}, PackedStringArray(["x"])]],
	]


# Values only checked when decoding what Go sent.
func decode_only() -> Dictionary:
	return {
		"str_nul": "a",  # Go sends "a\u0000b".
		"go_int8": -5,
		"go_uint32": 4294967295,
		"go_float32": 0.10000000149011612,
		"go_map": {"a": 2, "b": 1},
		"go_obj_id": "special",
		"go_obj_zero": null,
		"raw_obj_id0": "special",
		"go_signal": "special",
		"go_rid": rid_from_int64(77),
		"go_callable": "special",
		# Without objects Godot 4.6 types object containers as EncodedObjectAsID.
		"go_arr_typed_node": Array([], TYPE_OBJECT, &"EncodedObjectAsID", null),
		"go_dict_typed_class": Dictionary({}, TYPE_INT, &"", null, TYPE_OBJECT, &"EncodedObjectAsID", null),
		"go_vec2_double": Vector2(0.1, 0.2),
		"go_pv2_double": PackedVector2Array([Vector2(0.1, 0.2)]),
		"go_pv4_double": PackedVector4Array([Vector4(0.1, 1, 2, 3)]),
		"raw_depth_1024": "special",
		"raw_depth_1025": null,
		"go_t3d_double": Transform3D(Basis(Vector3(0.1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)), Vector3(0, 0, 0.3)),
	}


# special checks a decoded value that == cannot compare.
func special(name: String, got: Variant) -> bool:
	match name:
		"go_obj_id":
			return got is EncodedObjectAsID and got.object_id == 1234567890123
		"raw_obj_id0":
			return typeof(got) == TYPE_OBJECT and got == null
		"go_signal":
			return typeof(got) == TYPE_SIGNAL and got.get_name() == &"ready" and got.get_object_id() == 987654321
		"raw_depth_1024":
			return depth(got) == 1024
		"go_callable":
			return typeof(got) == TYPE_CALLABLE and got.is_null()
	return false


# depth returns how many single-element arrays wrap v's innermost value,
# or -1 if that value is not null.
func depth(v: Variant) -> int:
	var n := 0
	while typeof(v) == TYPE_ARRAY and v.size() == 1:
		v = v[0]
		n += 1
	if v != null:
		return -1
	return n


func same_float(a: float, b: float) -> bool:
	if is_nan(a) or is_nan(b):
		return is_nan(a) and is_nan(b)
	# 1/x tells -0.0 from 0.0.
	if a == 0.0 and b == 0.0:
		return (1.0 / a) == (1.0 / b)
	return a == b


func same(a: Variant, b: Variant) -> bool:
	if typeof(a) != typeof(b):
		return false
	match typeof(a):
		TYPE_FLOAT:
			return same_float(a, b)
		TYPE_ARRAY:
			if a.get_typed_builtin() != b.get_typed_builtin() or a.get_typed_class_name() != b.get_typed_class_name():
				return false
			if a.size() != b.size():
				return false
			for i in range(a.size()):
				if not same(a[i], b[i]):
					return false
			return true
		TYPE_DICTIONARY:
			if a.get_typed_key_builtin() != b.get_typed_key_builtin() or a.get_typed_key_class_name() != b.get_typed_key_class_name():
				return false
			if a.get_typed_value_builtin() != b.get_typed_value_builtin() or a.get_typed_value_class_name() != b.get_typed_value_class_name():
				return false
			if a.size() != b.size():
				return false
			var ka: Array = a.keys()
			var kb: Array = b.keys()
			for i in range(ka.size()):
				if not same(ka[i], kb[i]) or not same(a[ka[i]], b[kb[i]]):
					return false
			return true
		TYPE_PACKED_FLOAT32_ARRAY, TYPE_PACKED_FLOAT64_ARRAY:
			if a.size() != b.size():
				return false
			for i in range(a.size()):
				if not same_float(a[i], b[i]):
					return false
			return true
		TYPE_STRING_NAME, TYPE_STRING:
			return a == b
	if a == b:
		return true
	# NaN components never compare equal: fall back to the encoding.
	return var_to_bytes(a) == var_to_bytes(b)


func arg(name: String) -> String:
	for a in OS.get_cmdline_user_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1)
	return ""


func _initialize() -> void:
	node = Node.new()
	freed = Node.new()
	freed.free()
	var expected := {}
	for c in cases():
		expected[c[0]] = c[1]
		print("ENC " + c[0] + " " + var_to_bytes(c[1]).hex_encode())
	print("VAL obj_live %d" % node.get_instance_id())
	print("VAL signal_live %d" % node.get_instance_id())
	print("FULL " + var_to_bytes_with_objects(Object.new()).hex_encode())
	var extra := decode_only()
	for k in extra:
		expected[k] = extra[k]

	var fails := 0
	var path := arg("in")
	if path != "":
		var f := FileAccess.open(path, FileAccess.READ)
		if f == null:
			print("FAIL: cannot open " + path)
			quit(1)
			return
		while not f.eof_reached():
			var line := f.get_line().strip_edges()
			if line == "":
				continue
			var parts := line.split(" ")
			var name := parts[0]
			if not expected.has(name):
				print("DEC " + name + " FAIL unknown case")
				fails += 1
				continue
			var raw := parts[1].hex_decode()
			var got: Variant = bytes_to_var(raw)
			var ok := false
			if typeof(expected[name]) == TYPE_STRING and expected[name] == "special":
				ok = special(name, got)
			else:
				ok = same(got, expected[name])
			if not ok:
				print("DEC " + name + " FAIL got " + var_to_str(got) + " want " + var_to_str(expected[name]))
				fails += 1
				continue
			print("DEC " + name + " PASS")
			print("REENC " + name + " " + var_to_bytes(got).hex_encode())
	node.free()
	if fails == 0:
		print("PASS")
		quit(0)
	else:
		print("FAIL: %d cases did not decode as expected" % fails)
		quit(1)
