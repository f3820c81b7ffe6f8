package variant_test

import (
	"math"
	"slices"
	"testing"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/variant"
)

// godot4Cases is the Go side of testdata/godot4/variant_table.gd.
func godot4Cases() []tableCase {
	v2 := func(x, y float64) variant.Vector2 { return variant.Vector2{X: x, Y: y} }
	v3 := func(x, y, z float64) variant.Vector3 { return variant.Vector3{X: x, Y: y, Z: z} }
	v4 := func(x, y, z, w float64) variant.Vector4 { return variant.Vector4{X: x, Y: y, Z: z, W: w} }
	basis := variant.Basis{Rows: [3]variant.Vector3{v3(1, 4, 7), v3(2, 5, 8), v3(3, 6, 9)}}
	nested := dict(untyped, "k", []byte{9})
	mixed := dict(untyped, "z", int64(1), "a", int64(2), int64(3), "three", 1.5, nil,
		variant.StringName("sn"), variant.StringName("value"), v2(1, 1), []any{int64(1), int64(2)},
		"nested", nested)
	eoid := className("EncodedObjectAsID")
	t3d := func(x, z float64) variant.Transform3D {
		return variant.Transform3D{Basis: variant.Basis{Rows: [3]variant.Vector3{v3(x, 0, 0), v3(0, 1, 0), v3(0, 0, 1)}}, Origin: v3(0, 0, z)}
	}
	deepest, deepestHex := nestedArrays(variant.Godot4, variant.MaxDepth)
	_, tooDeepHex := nestedArrays(variant.Godot4, variant.MaxDepth+1)
	return slices.Concat(scalarCases(), []tableCase{
		{name: "sn_empty", value: variant.StringName("")},
		{name: "sn", value: variant.StringName("player_name")},
		{name: "sn_utf8", value: variant.StringName("ünïcode")},
	}, nodePathCases(), []tableCase{
		{name: "vec2", value: v2(1.5, -2)},
		{name: "vec2_tenth", value: v2(f32(0.1), f32(0.2))},
		{name: "vec2_inf", value: v2(math.Inf(1), math.Inf(-1))},
		{name: "vec2i", value: variant.Vector2i{X: 1, Y: math.MinInt32}},
		{name: "rect2", value: variant.Rect2{Position: v2(1, 2), Size: v2(3, 4)}},
		{name: "rect2i", value: variant.Rect2i{Position: variant.Vector2i{X: -1, Y: 2}, Size: variant.Vector2i{X: 3, Y: math.MaxInt32}}},
		{name: "vec3", value: v3(1, 2, 3)},
		{name: "vec3_nan", value: v3(math.NaN(), 0, 1)},
		{name: "vec3i", value: variant.Vector3i{X: -7, Y: 0, Z: 9}},
		{name: "t2d", value: variant.Transform2D{X: v2(1, 2), Y: v2(3, 4), Origin: v2(5, 6)}},
		{name: "vec4", value: v4(1, -2, 3.5, 4)},
		{name: "vec4i", value: variant.Vector4i{X: 1, Y: 2, Z: 3, W: -4}},
		{name: "plane", value: variant.Plane{Normal: v3(1, 2, 3), D: 4}},
		{name: "quat", value: variant.Quaternion{X: 0.5, Y: 0.25, Z: 0.125, W: 1}},
		{name: "aabb", value: variant.AABB{Position: v3(1, 2, 3), Size: v3(4, 5, 6)}},
		{name: "basis", value: basis},
		{name: "t3d", value: variant.Transform3D{Basis: basis, Origin: v3(10, 11, 12)}},
		{name: "proj", value: variant.Projection{Columns: [4]variant.Vector4{v4(1, 2, 3, 4), v4(5, 6, 7, 8), v4(9, 10, 11, 12), v4(13, 14, 15, 16)}}},
		{name: "color", value: variant.Color{R: 0.5, G: 0.25, B: 1, A: 0.75}},
		{name: "color_tenth", value: variant.Color{R: 0.1, G: 0.2, B: 0.3, A: 1}},
		{name: "rid_zero", value: variant.RID(0)},
		{name: "rid", value: variant.RID(123456789012)},
	}, objectCases(), []tableCase{
		{name: "callable_null", value: variant.Callable{}},
		// Godot writes no payload for any Callable.
		{name: "callable_live", value: variant.Callable{}, godotOnly: true},
		{name: "signal_null", value: variant.Signal{}},
		{name: "signal_live", fromVal: func(n int64) any { return variant.Signal{Name: "ready", Object: variant.ObjectID(n)} }, godotOnly: true},
		{name: "dict_empty", value: variant.NewDictionary()},
		{name: "dict_mixed", value: mixed},
		{name: "dict_nested", value: dict(untyped, "a", dict(untyped, "b", []any{int64(1), dict(untyped, "c", nil)}))},
		{name: "dict_typed", value: dict([2]variant.ElementType{builtin(variant.TypeString), builtin(variant.TypeInt)}, "x", int64(1), "y", int64(2))},
		{name: "dict_typed_key", value: dict([2]variant.ElementType{builtin(variant.TypeInt), {}}, int64(1), "one")},
		{name: "dict_typed_value", value: dict([2]variant.ElementType{{}, builtin(variant.TypeVector2)}, "v", v2(1, 2))},
		// Godot's value is Dictionary[int, Node]; without objects it writes
		// the class as EncodedObjectAsID.
		{name: "dict_typed_class", value: dict([2]variant.ElementType{builtin(variant.TypeInt), eoid}), godotOnly: true},
	}, arrayCases(), []tableCase{
		{name: "arr_typed_int", value: variant.TypedArray{Type: builtin(variant.TypeInt), Values: []any{int64(1), int64(2), int64(3)}}},
		{name: "arr_typed_str", value: variant.TypedArray{Type: builtin(variant.TypeString), Values: []any{"a", "b"}}},
		{name: "arr_typed_empty", value: variant.TypedArray{Type: builtin(variant.TypeFloat), Values: []any{}}},
		// Array[Node], written as EncodedObjectAsID (see dict_typed_class).
		{name: "arr_typed_node", value: variant.TypedArray{Type: eoid, Values: []any{}}, godotOnly: true},
		{name: "arr_typed_vec2", value: variant.TypedArray{Type: builtin(variant.TypeVector2), Values: []any{v2(1, 2)}}},
		{name: "arr_typed_arr", value: variant.TypedArray{Type: builtin(variant.TypeArray), Values: []any{[]any{int64(1)}, []any{}}}},
		{name: "pba_empty", value: []byte{}},
		{name: "pba_1", value: []byte{255}},
		{name: "pba_3", value: []byte{1, 2, 3}},
		{name: "pba_4", value: []byte{1, 2, 3, 4}},
		{name: "pba_5", value: []byte{1, 2, 3, 4, 5}},
		{name: "pi32", value: []int32{1, -2, math.MaxInt32, math.MinInt32}},
		{name: "pi32_empty", value: []int32{}},
		{name: "pi64", value: []int64{1, -2, math.MaxInt64, math.MinInt64}},
		{name: "pi64_empty", value: []int64{}},
		{name: "pf32", value: []float32{1.5, -0.25, 0.1}},
		{name: "pf32_empty", value: []float32{}},
		{name: "pf64", value: []float64{0.1, -1e300, math.Ldexp(1, -1074), math.Copysign(0, -1)}},
		{name: "pf64_empty", value: []float64{}},
		{name: "pstr", value: []string{"a", "", "héllo", "abc", "abcd"}},
		{name: "pstr_empty", value: []string{}},
		{name: "pv2", value: []variant.Vector2{v2(1, 2), v2(-3, 0.5)}},
		{name: "pv2_tenth", value: []variant.Vector2{v2(f32(0.1), f32(0.2))}},
		{name: "pv2_empty", value: []variant.Vector2{}},
		{name: "pv3", value: []variant.Vector3{v3(1, 2, 3), v3(-1, 0, 0.25)}},
		{name: "pv3_empty", value: []variant.Vector3{}},
		{name: "pcol", value: []variant.Color{{R: 1, A: 1}, {G: 0.5, B: 1, A: 0.25}}},
		{name: "pcol_empty", value: []variant.Color{}},
		{name: "pv4", value: []variant.Vector4{v4(1, 2, 3, 4), v4(-1, 0.5, 0, 1e10)}},
		{name: "pv4_empty", value: []variant.Vector4{}},
		{name: "nest_mix", value: []any{dict(untyped, "k", []byte{9}), []any{variant.Vector2i{X: 1, Y: 2}},
			dict(untyped, variant.StringName("sn"), variant.ParseNodePath("a")), []string{"x"}}},
	}, goOnlyCases(variant.Godot4), []tableCase{
		{name: "go_signal", value: variant.Signal{Name: "ready", Object: 987654321}, goOnly: true},
		{name: "go_rid", value: variant.RID(77), goOnly: true},
		{name: "go_callable", value: variant.Callable{}, goOnly: true},
		// Godot turns the class Node into EncodedObjectAsID when decoding
		// without objects.
		{name: "go_arr_typed_node", value: variant.TypedArray{Type: className("Node"), Values: []any{}}, goOnly: true, noReenc: true,
			godotWrites: hexOf(variant.Godot4, variant.TypedArray{Type: eoid, Values: []any{}})},
		{name: "go_dict_typed_class", value: dict([2]variant.ElementType{builtin(variant.TypeInt), eoid}), goOnly: true},
		// Values a single-precision Godot cannot hold exactly: Go sends
		// float64 with the 64-bit flag (as a double-precision build does),
		// Godot rounds them to float32 and writes float32 back.
		{name: "go_vec2_double", value: v2(0.1, 0.2), goOnly: true, noReenc: true, godotWrites: hexOf(variant.Godot4, v2(f32(0.1), f32(0.2)))},
		{name: "go_pv2_double", value: []variant.Vector2{v2(0.1, 0.2)}, goOnly: true, noReenc: true,
			godotWrites: hexOf(variant.Godot4, []variant.Vector2{v2(f32(0.1), f32(0.2))})},
		{name: "go_pv4_double", value: []variant.Vector4{v4(0.1, 1, 2, 3)}, goOnly: true, noReenc: true,
			godotWrites: hexOf(variant.Godot4, []variant.Vector4{v4(f32(0.1), 1, 2, 3)})},
		// Godot's recursion limit: a value may sit 1024 containers deep,
		// not 1025 (Godot fails and returns null).
		{name: "raw_depth_1024", value: deepest, raw: deepestHex, goOnly: true},
		{name: "raw_depth_1025", raw: tooDeepHex, goErr: variant.ErrTooDeep, goOnly: true, noReenc: true, godotWrites: "00000000"},
		{name: "go_t3d_double", value: t3d(0.1, 0.3), goOnly: true, noReenc: true, godotWrites: hexOf(variant.Godot4, t3d(f32(0.1), f32(0.3)))},
	})
}

// TestGodot4Table checks godot4Cases against a real Godot 4.6.3 in both
// directions with one Godot run.
func TestGodot4Table(t *testing.T) {
	runVariantTable(t, godottest.Godot4, variant.Godot4, "testdata/godot4/variant_table.gd", godot4Cases())
}
