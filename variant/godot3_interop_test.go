package variant_test

import (
	"math"
	"slices"
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
	return slices.Concat(scalarCases(), nodePathCases(), []tableCase{
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
	}, objectCases(), []tableCase{
		{name: "dict_empty", value: variant.NewDictionary()},
		{name: "dict_mixed", value: mixed},
		{name: "dict_nested", value: dict(untyped, "a", dict(untyped, "b", []any{int64(1), dict(untyped, "c", nil)}))},
	}, arrayCases(), []tableCase{
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
	}, goOnlyCases(variant.Godot3), []tableCase{
		// Godot 3 has no typed arrays: a plain Array goes out.
		{name: "go_typed_array", value: variant.TypedArray{Type: builtin(variant.TypeInt), Values: []any{int64(1), int64(2)}}, goOnly: true},
		// 1024 containers deep is fine (Godot 3.6.2 stops at 1025; 3.2.3 has
		// no limit).
		{name: "raw_depth_1024", value: deepest, raw: deepestHex, goOnly: true},
		// Godot 3 math types are float32: Go rounds, as Godot 3 does.
		{name: "go_vec2_double", value: v2(0.1, 0.2), goOnly: true},
	})
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
