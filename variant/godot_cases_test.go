package variant_test

import (
	"math"
	"strings"

	"github.com/enetgo/enet/variant"
)

// This file holds the table cases (and their helpers) that Godot 3 and
// Godot 4 share: the same name, the same Go value, the same meaning in both
// testdata/godot*/variant_table.gd scripts.

// f32 rounds x to float32, as a single-precision Godot holds real_t values.
func f32(x float64) float64 { return float64(float32(x)) }

func dict(typ [2]variant.ElementType, kv ...any) *variant.Dictionary {
	d := variant.NewDictionary()
	d.KeyType, d.ValueType = typ[0], typ[1]
	for i := 0; i < len(kv); i += 2 {
		d.Set(kv[i], kv[i+1])
	}
	return d
}

func builtin(t variant.Type) variant.ElementType { return variant.ElementType{Builtin: t} }

func className(s string) variant.ElementType {
	return variant.ElementType{Builtin: variant.TypeObject, ClassName: s}
}

var untyped [2]variant.ElementType

// scalarCases are the nil, bool, int, float and String cases both
// dialects' scripts encode.
func scalarCases() []tableCase {
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
	}
}

// nodePathCases are the NodePath cases both dialects' scripts encode.
func nodePathCases() []tableCase {
	return []tableCase{
		{name: "np_empty", value: variant.NodePath{}},
		{name: "np_abs", value: variant.ParseNodePath("/root/Main/Player")},
		{name: "np_rel", value: variant.ParseNodePath("a/b")},
		{name: "np_sub", value: variant.ParseNodePath("Player:position:x")},
		{name: "np_only_sub", value: variant.ParseNodePath(":position:x")},
		{name: "np_parent", value: variant.ParseNodePath("../x")},
		{name: "np_abs_sub", value: variant.ParseNodePath("/root/a:b:c")},
		{name: "np_utf8", value: variant.ParseNodePath("ü/ßx:é")},
	}
}

// objectCases are the Object cases both dialects' scripts encode: Go
// sends none of them back.
func objectCases() []tableCase {
	return []tableCase{
		// A freed object is written as NIL.
		{name: "obj_freed", value: nil, godotOnly: true},
		{name: "obj_live", fromVal: func(n int64) any { return variant.ObjectID(n) }, godotOnly: true},
	}
}

// arrayCases are the untyped Array cases both dialects' scripts encode.
func arrayCases() []tableCase {
	var deep any = "bottom"
	for range 32 {
		deep = []any{deep}
	}
	return []tableCase{
		{name: "arr_empty", value: []any{}},
		{name: "arr_nested", value: []any{int64(1), []any{int64(2), []any{int64(3), variant.NewDictionary()}}, "x", nil, 1.5}},
		{name: "arr_deep", value: deep},
	}
}

// goOnlyCases are the cases only Go sends (decode_only() in both
// dialects' scripts), encoded in dialect d.
func goOnlyCases(d variant.Dialect) []tableCase {
	// An EncodedObjectAsID of id 0: OBJECT is type 17 in Godot 3, 24 in
	// Godot 4.
	objID0 := "180001000000000000000000"
	if d == variant.Godot3 {
		objID0 = "110001000000000000000000"
	}
	return []tableCase{
		// Godot stops at the NUL, so it re-encodes "a".
		{name: "str_nul", value: "a\x00b", goOnly: true, noReenc: true, godotWrites: hexOf(d, "a")},
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
		{name: "raw_obj_id0", value: nil, raw: objID0, goOnly: true, noReenc: true, godotWrites: "00000000"},
	}
}
