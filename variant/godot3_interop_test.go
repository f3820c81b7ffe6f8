package variant_test

import (
	"math"
	"strings"
	"testing"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/variant"
)

// godot3Cases is the Go side of testdata/godot3/variant_table.gd, for both
// Godot 3.2.3 and 3.6.2.
func godot3Cases() []tableCase {
	v2 := func(x, y float64) variant.Vector2 { return variant.Vector2{X: x, Y: y} }
	v3 := func(x, y, z float64) variant.Vector3 { return variant.Vector3{X: x, Y: y, Z: z} }
	basis := variant.Basis{Rows: [3]variant.Vector3{v3(1, 4, 7), v3(2, 5, 8), v3(3, 6, 9)}}
	nested := dict(untyped, "k", []byte{9})
	mixed := dict(untyped, "z", int64(1), "a", int64(2), int64(3), "three", 1.5, nil,
		v2(1, 1), []any{int64(1), int64(2)}, "nested", nested)
	deepest, deepestHex := nestedArrays(variant.Godot3, variant.MaxDepth)
	var deep any = "bottom"
	for range 32 {
		deep = []any{deep}
	}
	return []tableCase{
		{name: "nil", value: nil},
		{name: "bool_true", value: true},
		{name: "bool_false", value: false},
		{name: "int_0", value: int64(0)},
		{name: "int_7", value: int64(7)},
		{name: "int_neg1", value: int64(-1)},
		{name: "int_max32", value: int64(math.MaxInt32)},
		{name: "int_min32", value: int64(math.MinInt32)},
		{name: "int_over32", value: int64(math.MaxInt32 + 1)},
		{name: "int_under32", value: int64(math.MinInt32 - 1)},
		{name: "int_2p40", value: int64(1 << 40)},
		{name: "int_max64", value: int64(math.MaxInt64)},
		{name: "int_min64", value: int64(math.MinInt64)},
		{name: "float_0", value: 0.0},
		{name: "float_neg0", value: math.Copysign(0, -1)},
		{name: "float_1_5", value: 1.5},
		{name: "float_neg", value: -2.25},
		{name: "float_tenth", value: 0.1},
		{name: "float_big", value: 1e300},
		{name: "float_min_normal", value: math.Ldexp(1, -1022)},
		{name: "float_denormal", value: math.Ldexp(1, -1074)},
		{name: "float_2p24", value: 16777216.0},
		{name: "float_2p24_plus1", value: 16777217.0},
		{name: "float_2p127", value: math.Ldexp(1, 127)},
		{name: "float_nan", value: godotNaN},
		{name: "float_inf", value: math.Inf(1)},
		{name: "float_ninf", value: math.Inf(-1)},
		{name: "str_empty", value: ""},
		{name: "str_hi", value: "hi"},
		{name: "str_4", value: "abcd"},
		{name: "str_utf8", value: "héllo ✓"},
		{name: "str_emoji", value: "😀"},
		{name: "str_cjk", value: "日本語テキスト"},
		{name: "str_long", value: strings.Repeat("0123456789", 30)},
		{name: "np_empty", value: variant.NodePath{}},
		{name: "np_abs", value: variant.ParseNodePath("/root/Main/Player")},
		{name: "np_rel", value: variant.ParseNodePath("a/b")},
		{name: "np_sub", value: variant.ParseNodePath("Player:position:x")},
		{name: "np_only_sub", value: variant.ParseNodePath(":position:x")},
		{name: "np_parent", value: variant.ParseNodePath("../x")},
		{name: "np_abs_sub", value: variant.ParseNodePath("/root/a:b:c")},
		{name: "np_utf8", value: variant.ParseNodePath("ü/ßx:é")},
		{name: "vec2", value: v2(1.5, -2)},
		{name: "vec2_tenth", value: v2(f32(0.1), f32(0.2))},
		{name: "vec2_inf", value: v2(math.Inf(1), math.Inf(-1))},
		{name: "rect2", value: variant.Rect2{Position: v2(1, 2), Size: v2(3, 4)}},
		{name: "vec3", value: v3(1, 2, 3)},
		{name: "vec3_nan", value: v3(math.NaN(), 0, 1)},
		{name: "t2d", value: variant.Transform2D{X: v2(1, 2), Y: v2(3, 4), Origin: v2(5, 6)}},
		{name: "plane", value: variant.Plane{Normal: v3(1, 2, 3), D: 4}},
		{name: "quat", value: variant.Quaternion{X: 0.5, Y: 0.25, Z: 0.125, W: 1}},
		{name: "aabb", value: variant.AABB{Position: v3(1, 2, 3), Size: v3(4, 5, 6)}},
		{name: "basis", value: basis},
		{name: "transform", value: variant.Transform3D{Basis: basis, Origin: v3(10, 11, 12)}},
		{name: "color", value: variant.Color{R: 0.5, G: 0.25, B: 1, A: 0.75}},
		{name: "color_tenth", value: variant.Color{R: 0.1, G: 0.2, B: 0.3, A: 1}},
		// Godot 3 sends no RID payload.
		{name: "rid", value: variant.RID(0)},
		// A freed object is written as NIL.
		{name: "obj_freed", value: nil, godotOnly: true},
		{name: "obj_live", fromVal: func(n int64) any { return variant.ObjectID(n) }, godotOnly: true},
		{name: "dict_empty", value: variant.NewDictionary()},
		{name: "dict_mixed", value: mixed},
		{name: "dict_nested", value: dict(untyped, "a", dict(untyped, "b", []any{int64(1), dict(untyped, "c", nil)}))},
		{name: "arr_empty", value: []any{}},
		{name: "arr_nested", value: []any{int64(1), []any{int64(2), []any{int64(3), variant.NewDictionary()}}, "x", nil, 1.5}},
		{name: "arr_deep", value: deep},
		{name: "pool_bytes_empty", value: []byte{}},
		{name: "pool_bytes_1", value: []byte{255}},
		{name: "pool_bytes_3", value: []byte{1, 2, 3}},
		{name: "pool_bytes_4", value: []byte{1, 2, 3, 4}},
		{name: "pool_bytes_5", value: []byte{1, 2, 3, 4, 5}},
		{name: "pool_ints", value: []int32{1, -2, math.MaxInt32, math.MinInt32}},
		{name: "pool_ints_empty", value: []int32{}},
		{name: "pool_reals", value: []float32{1.5, -0.25, 0.1}},
		{name: "pool_reals_empty", value: []float32{}},
		{name: "pool_strings", value: []string{"a", "", "héllo", "abc", "abcd"}},
		{name: "pool_strings_empty", value: []string{}},
		{name: "pool_vec2", value: []variant.Vector2{v2(1, 2), v2(-3, 0.5)}},
		{name: "pool_vec2_tenth", value: []variant.Vector2{v2(f32(0.1), f32(0.2))}},
		{name: "pool_vec2_empty", value: []variant.Vector2{}},
		{name: "pool_vec3", value: []variant.Vector3{v3(1, 2, 3), v3(-1, 0, 0.25)}},
		{name: "pool_vec3_empty", value: []variant.Vector3{}},
		{name: "pool_colors", value: []variant.Color{{R: 1, A: 1}, {G: 0.5, B: 1, A: 0.25}}},
		{name: "pool_colors_empty", value: []variant.Color{}},
		{name: "nest_mix", value: []any{dict(untyped, "k", []byte{9}), []any{v3(1, 2, 3)},
			dict(untyped, "s", variant.Rect2{Size: v2(1, 1)}), []string{"x"}}},

		// Sent by Go only.
		// Godot stops at the NUL, so it re-encodes "a".
		{name: "str_nul", value: "a\x00b", goOnly: true, noReenc: true, godotWrites: hexOf(variant.Godot3, "a")},
		{name: "go_int8", value: int8(-5), goOnly: true},
		{name: "go_uint32", value: uint32(math.MaxUint32), goOnly: true},
		{name: "go_float32", value: float32(0.1), goOnly: true},
		{name: "go_map", value: map[string]any{"b": 1, "a": 2}, goOnly: true},
		// Godot decodes an EncodedObjectAsID, which it would encode as
		// itself (its own instance id).
		{name: "go_obj_id", value: variant.ObjectID(1234567890123), goOnly: true, noReenc: true},
		{name: "go_obj_zero", value: variant.ObjectID(0), goOnly: true},
		// An id of 0 on the wire is a null Object in Godot, which it
		// writes back as NIL; Go reads it as nil.
		{name: "raw_obj_id0", value: nil, raw: "110001000000000000000000", goOnly: true, noReenc: true, godotWrites: "00000000"},
		// Godot 3 has no typed arrays: a plain Array goes out.
		{name: "go_typed_array", value: variant.TypedArray{Type: builtin(variant.TypeInt), Values: []any{int64(1), int64(2)}}, goOnly: true},
		// 1024 containers deep is fine (Godot 3.6.2 stops at 1025; 3.2.3 has
		// no limit).
		{name: "raw_depth_1024", value: deepest, raw: deepestHex, goOnly: true},
		// Godot 3 math types are float32: Go rounds, as Godot 3 does.
		{name: "go_vec2_double", value: v2(0.1, 0.2), goOnly: true},
	}
}

// TestGodot3Table checks godot3Cases against a real Godot 3.2.3 in both
// directions with one Godot run.
func TestGodot3Table(t *testing.T) {
	runVariantTable(t, godottest.Godot3, variant.Godot3, "testdata/godot3/variant_table.gd", godot3Cases())
}

// TestGodot36Table checks godot3Cases against a real Godot 3.6.2 in both
// directions with one Godot run.
func TestGodot36Table(t *testing.T) {
	runVariantTable(t, godottest.Godot36, variant.Godot3, "testdata/godot3/variant_table.gd", godot3Cases())
}
