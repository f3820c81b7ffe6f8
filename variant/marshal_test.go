package variant_test

import (
	"bytes"
	"encoding/hex"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/variant"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// TestFactsExamples checks byte examples derived from Godot's encoder (docs/variant.md).
func TestFactsExamples(t *testing.T) {
	cases := []struct {
		name string
		d    variant.Dialect
		v    any
		hex  string
	}{
		{"int 7 G4", variant.Godot4, 7, "02000000 07000000"},
		{"int 7 G3", variant.Godot3, 7, "02000000 07000000"},
		{"string hi G4", variant.Godot4, "hi", "04000000 02000000 68690000"},
		{"string hi G3", variant.Godot3, "hi", "04000000 02000000 68690000"},
		{"bytes G4", variant.Godot4, []byte{1, 2, 3}, "1D000000 03000000 01020300"},
		{"bytes G3", variant.Godot3, []byte{1, 2, 3}, "14000000 03000000 01020300"},
		{"int64 header", variant.Godot4, int64(1) << 40, "02000100 0000000000010000"},
		{"float exact", variant.Godot4, 1.5, "03000000 0000C03F"},
		{"float inexact", variant.Godot3, 0.1, "03000100 9A9999999999B93F"},
		{"nil", variant.Godot3, nil, "00000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := unhex(t, c.hex)
			got, err := variant.Marshal(c.d, c.v)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			back, err := variant.Unmarshal(c.d, want)
			require.NoError(t, err)
			again, err := variant.Marshal(c.d, back)
			require.NoError(t, err)
			assert.Equal(t, want, again)
		})
	}
}

func TestTypeIDsDiffer(t *testing.T) {
	cases := []struct {
		v      any
		g3, g4 byte
	}{
		{variant.Vector3{}, 7, 9},
		{[]any{}, 19, 28},
		{variant.NewDictionary(), 18, 27},
		{variant.Color{}, 14, 20},
		{variant.NodePath{}, 15, 22},
		{variant.RID(0), 16, 23},
		{variant.ObjectID(5), 17, 24},
		{[]string{}, 23, 34},
		{[]variant.Color{}, 26, 37},
		{variant.Transform3D{}, 13, 18},
	}
	for _, c := range cases {
		b3, err := variant.Marshal(variant.Godot3, c.v)
		require.NoError(t, err)
		b4, err := variant.Marshal(variant.Godot4, c.v)
		require.NoError(t, err)
		assert.Equal(t, c.g3, b3[0], "%T", c.v)
		assert.Equal(t, c.g4, b4[0], "%T", c.v)
	}
}

func TestGodot4OnlyTypes(t *testing.T) {
	for _, v := range []any{
		variant.StringName("a"), variant.Vector2i{}, variant.Vector3i{}, variant.Vector4{},
		variant.Vector4i{}, variant.Rect2i{}, variant.Projection{}, variant.Callable{},
		variant.Signal{}, []int64{1}, []float64{1}, []variant.Vector4{{}},
		[]any{variant.Vector2i{}},
	} {
		_, err := variant.Marshal(variant.Godot3, v)
		assert.ErrorIs(t, err, variant.ErrUnsupported, "%T", v)
		_, err = variant.Marshal(variant.Godot4, v)
		assert.NoError(t, err, "%T", v)
	}
}

func TestUnsupportedGoValues(t *testing.T) {
	for _, v := range []any{
		uint64(math.MaxUint64), uint(math.MaxInt64) + 1, []int{1}, struct{}{}, map[int]any{},
		"\xff", []string{"\xfe"}, make(chan int),
	} {
		_, err := variant.Marshal(variant.Godot4, v)
		assert.ErrorIs(t, err, variant.ErrUnsupported, "%T %v", v, v)
	}
	_, err := variant.Marshal(variant.Dialect(5), 1)
	assert.ErrorIs(t, err, variant.ErrUnsupported)
}

func TestIntWidths(t *testing.T) {
	for _, c := range []struct {
		v    any
		want int64
		wide bool
	}{
		{int8(-5), -5, false}, {uint8(255), 255, false}, {int16(-300), -300, false},
		{uint16(65535), 65535, false}, {int32(math.MinInt32), math.MinInt32, false},
		{uint32(math.MaxUint32), math.MaxUint32, true}, {int(math.MaxInt32), math.MaxInt32, false},
		{int(math.MaxInt32) + 1, math.MaxInt32 + 1, true}, {int64(math.MinInt32) - 1, math.MinInt32 - 1, true},
		{int64(math.MinInt64), math.MinInt64, true}, {uint64(math.MaxInt64), math.MaxInt64, true},
		{uint(7), 7, false},
	} {
		b, err := variant.Marshal(variant.Godot3, c.v)
		require.NoError(t, err)
		if c.wide {
			assert.Len(t, b, 12)
			assert.Equal(t, byte(1), b[2])
		} else {
			assert.Len(t, b, 8)
		}
		v, err := variant.Unmarshal(variant.Godot3, b)
		require.NoError(t, err)
		assert.Equal(t, c.want, v)
	}
}

func TestFloatWidths(t *testing.T) {
	for _, c := range []struct {
		v    any
		want float64
		size int
	}{
		{float32(0.1), float64(float32(0.1)), 8},
		{0.1, 0.1, 12},
		{math.Inf(1), math.Inf(1), 8},
		{math.MaxFloat64, math.MaxFloat64, 12},
		{math.Copysign(0, -1), math.Copysign(0, -1), 8},
		{float64(math.SmallestNonzeroFloat32), math.SmallestNonzeroFloat32, 8},
	} {
		b, err := variant.Marshal(variant.Godot4, c.v)
		require.NoError(t, err)
		assert.Len(t, b, c.size)
		v, err := variant.Unmarshal(variant.Godot4, b)
		require.NoError(t, err)
		assert.Equal(t, c.want, v)
	}
	// NaN fails Godot's double(float(v)) == v test, so it goes out as a
	// float64 with its bits kept, as Godot 4.6.3 and 3.6.2 write it.
	godotNaN := math.Float64frombits(0x7FF8000000000000)
	for _, d := range []variant.Dialect{variant.Godot3, variant.Godot4} {
		b, err := variant.Marshal(d, godotNaN)
		require.NoError(t, err)
		assert.Equal(t, unhex(t, "03000100 00000000 0000F87F"), b, d)
	}
	b, err := variant.Marshal(variant.Godot4, math.NaN())
	require.NoError(t, err)
	assert.Len(t, b, 12)
	v, err := variant.Unmarshal(variant.Godot4, b)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(v.(float64)))
}

func TestMathWidthGodot4(t *testing.T) {
	exact := variant.Vector2{X: 1.5, Y: -2}
	b, err := variant.Marshal(variant.Godot4, exact)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "05000000 0000C03F 000000C0"), b)

	fine := variant.Vector2{X: 0.1, Y: 2}
	b, err = variant.Marshal(variant.Godot4, fine)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "05000100 9A9999999999B93F 0000000000000040"), b)
	v, err := variant.Unmarshal(variant.Godot4, b)
	require.NoError(t, err)
	assert.Equal(t, fine, v)

	// Godot 3 has no wide math types: the value is rounded to float32.
	b, err = variant.Marshal(variant.Godot3, fine)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "05000000 CDCCCC3D 00000040"), b)
	// and a 64 flag in Godot 3 input is ignored, as Godot 3 does.
	v, err = variant.Unmarshal(variant.Godot3, unhex(t, "05000100 0000C03F 000000C0"))
	require.NoError(t, err)
	assert.Equal(t, exact, v)

	// Packed vector arrays follow the same rule, per array.
	b, err = variant.Marshal(variant.Godot4, []variant.Vector2{{X: 1}, {Y: 0.1}})
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "23000100 02000000")[:8], b[:8])
	assert.Len(t, b, 8+2*16)
}

func TestLayouts(t *testing.T) {
	cases := []struct {
		name string
		d    variant.Dialect
		v    any
		hex  string
	}{
		{"bool", variant.Godot3, true, "01000000 01000000"},
		{"nodepath", variant.Godot3, variant.ParseNodePath("/a:b"),
			"0F000000 01000080 01000000 01000000 01000000 61000000 01000000 62000000"},
		{"string array", variant.Godot4, []string{"abc", ""},
			"22000000 02000000 04000000 61626300 01000000 00000000"},
		{"typed array builtin", variant.Godot4, variant.TypedArray{Type: variant.ElementType{Builtin: variant.TypeInt}, Values: []any{int64(1)}},
			"1C000100 02000000 01000000 02000000 01000000"},
		{"typed array class", variant.Godot4, variant.TypedArray{Type: variant.ElementType{Builtin: variant.TypeObject, ClassName: "Node"}},
			"1C000200 04000000 4E6F6465 00000000"},
		{"typed array script", variant.Godot4, variant.TypedArray{Type: variant.ElementType{Builtin: variant.TypeObject, ScriptPath: "res://a"}},
			"1C000300 07000000 7265733A 2F2F6100 00000000"},
		{"typed array G3 is plain", variant.Godot3, variant.TypedArray{Type: variant.ElementType{Builtin: variant.TypeInt}, Values: []any{}},
			"13000000 00000000"},
		{"rid G4", variant.Godot4, variant.RID(0x0102030405060708), "17000000 08070605 04030201"},
		{"rid G3", variant.Godot3, variant.RID(99), "10000000"},
		{"object G3", variant.Godot3, variant.ObjectID(1288), "11000100 08050000 00000000"},
		{"null object G3", variant.Godot3, variant.ObjectID(0), "00000000"},
		{"null object G4", variant.Godot4, variant.ObjectID(0), "00000000"},
		{"callable", variant.Godot4, variant.Callable{}, "19000000"},
		{"signal", variant.Godot4, variant.Signal{Name: "hit", Object: 2}, "1A000000 03000000 68697400 02000000 00000000"},
		{"string name", variant.Godot4, variant.StringName("hi"), "15000000 02000000 68690000"},
		{"vector2i", variant.Godot4, variant.Vector2i{X: -1, Y: 2}, "06000000 FFFFFFFF 02000000"},
		{"color", variant.Godot4, variant.Color{R: 1, A: 0.5}, "14000000 0000803F 00000000 00000000 0000003F"},
		{"int64 array", variant.Godot4, []int64{-1}, "1F000000 01000000 FFFFFFFF FFFFFFFF"},
		{"map sorted", variant.Godot3, map[string]any{"b": 1, "a": 2},
			"12000000 02000000 04000000 01000000 61000000 02000000 02000000 04000000 01000000 62000000 02000000 01000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := variant.Marshal(c.d, c.v)
			require.NoError(t, err)
			assert.Equal(t, unhex(t, c.hex), got)
		})
	}
}

func TestTypedDictionaryGodot4(t *testing.T) {
	d := variant.NewDictionary()
	d.KeyType = variant.ElementType{Builtin: variant.TypeString}
	d.ValueType = variant.ElementType{Builtin: variant.TypeObject, ClassName: "Node"}
	d.Set("a", variant.ObjectID(3))
	b, err := variant.Marshal(variant.Godot4, d)
	require.NoError(t, err)
	want := unhex(t, "1B000900 04000000 04000000 4E6F6465 01000000 04000000 01000000 61000000 18000100 03000000 00000000")
	assert.Equal(t, want, b)
	v, err := variant.Unmarshal(variant.Godot4, b)
	require.NoError(t, err)
	assert.Equal(t, d, v)

	// Godot 3 ignores the types.
	b, err = variant.Marshal(variant.Godot3, d)
	require.NoError(t, err)
	assert.Equal(t, byte(0x12), b[0])
	assert.Equal(t, byte(0), b[2])
}

func TestAppendMarshal(t *testing.T) {
	dst := []byte{0xAA}
	out, err := variant.AppendMarshal(dst, variant.Godot4, int32(1))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "AA 02000000 01000000"), out)
	out, err = variant.AppendMarshal(dst, variant.Godot3, variant.Vector2i{})
	require.Error(t, err)
	assert.Equal(t, dst, out)
}

func TestUnmarshalPrefix(t *testing.T) {
	b := unhex(t, "02000000 07000000 FFFF")
	v, n, err := variant.UnmarshalPrefix(variant.Godot3, b)
	require.NoError(t, err)
	assert.Equal(t, int64(7), v)
	assert.Equal(t, 8, n)
	_, err = variant.Unmarshal(variant.Godot3, b)
	assert.ErrorIs(t, err, variant.ErrInvalidData)
}

func TestStringStopsAtNUL(t *testing.T) {
	b, err := variant.Marshal(variant.Godot3, "a\x00b")
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "04000000 03000000 61006200"), b)
	v, err := variant.Unmarshal(variant.Godot3, b)
	require.NoError(t, err)
	assert.Equal(t, "a", v)
}

func TestNodePathObsoleteProperty(t *testing.T) {
	// flags bit 1: the property is an extra subname.
	b := unhex(t, "0F000000 01000080 00000000 02000000 01000000 61000000 01000000 62000000")
	v, err := variant.Unmarshal(variant.Godot3, b)
	require.NoError(t, err)
	assert.Equal(t, variant.NodePath{Names: []string{"a"}, SubNames: []string{"b"}}, v)
}

func TestDepthLimit(t *testing.T) {
	var deep any = int64(1)
	for range variant.MaxDepth {
		deep = []any{deep}
	}
	b, err := variant.Marshal(variant.Godot4, deep)
	require.NoError(t, err)
	_, err = variant.Unmarshal(variant.Godot4, b)
	require.NoError(t, err)

	_, err = variant.Marshal(variant.Godot4, []any{deep})
	assert.ErrorIs(t, err, variant.ErrTooDeep)

	// Hand-built input one level deeper than allowed.
	tooDeep := []byte{}
	for range variant.MaxDepth + 1 {
		tooDeep = append(tooDeep, unhex(t, "13000000 01000000")...)
	}
	tooDeep = append(tooDeep, 0, 0, 0, 0)
	_, err = variant.Unmarshal(variant.Godot3, tooDeep)
	assert.ErrorIs(t, err, variant.ErrTooDeep)

	// A cycle fails instead of recursing forever.
	cyc := make([]any, 1)
	cyc[0] = cyc
	_, err = variant.Marshal(variant.Godot3, cyc)
	assert.ErrorIs(t, err, variant.ErrTooDeep)
}

// TestAppendMarshalPadsFromValueStart: padding aligns to 4 bytes from the
// start of the value, not of the caller's buffer (Godot pads each value on
// its own; an RPC packet puts Variants after a header of any length).
func TestAppendMarshalPadsFromValueStart(t *testing.T) {
	for _, d := range []variant.Dialect{variant.Godot3, variant.Godot4} {
		for _, v := range []any{"héllo", []byte{1, 2, 3}, "a"} {
			alone, err := variant.Marshal(d, v)
			require.NoError(t, err)
			for prefix := 0; prefix < 4; prefix++ {
				head := bytes.Repeat([]byte{0xEE}, prefix)
				out, err := variant.AppendMarshal(append([]byte(nil), head...), d, v)
				require.NoError(t, err)
				assert.Equal(t, head, out[:prefix])
				assert.Equal(t, alone, out[prefix:], "dialect %v, %d bytes before %q", d, prefix, v)
			}
		}
	}
}
