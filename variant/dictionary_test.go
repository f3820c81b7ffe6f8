package variant_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/enetgo/enet/variant"
)

func TestDictionaryOrderAndKeys(t *testing.T) {
	d := variant.NewDictionary()
	d.Set("z", 1)
	d.Set(int64(2), "two")
	d.Set([]any{int64(1), "x"}, true)
	d.Set(math.NaN(), "nan")
	d.Set(variant.ObjectID(0), "null object")
	d.Set(nil, "nil")
	assert.Equal(t, 6, d.Len())

	// Same Godot key through different Go types.
	d.Set(2, "TWO")
	v, ok := d.Get(int8(2))
	assert.True(t, ok)
	assert.Equal(t, "TWO", v)
	assert.Equal(t, 6, d.Len())

	// Distinct Godot keys.
	_, ok = d.Get(2.0)
	assert.False(t, ok)
	v, _ = d.Get([]any{1, "x"})
	assert.Equal(t, true, v)
	v, _ = d.Get(math.NaN())
	assert.Equal(t, "nan", v)
	v, _ = d.Get(variant.ObjectID(0))
	assert.Equal(t, "null object", v)
	v, _ = d.Get(nil)
	assert.Equal(t, "nil", v)

	assert.Equal(t, []any{"z", int64(2), []any{int64(1), "x"}}, d.Keys()[:3])

	assert.True(t, d.Delete(int64(2)))
	assert.False(t, d.Delete(int64(2)))
	assert.Equal(t, 5, d.Len())
	v, _ = d.Get(nil)
	assert.Equal(t, "nil", v)
	assert.Equal(t, "z", d.Keys()[0])
	assert.Equal(t, []any{1, true, "nan", "null object", "nil"}, d.Values())

	// Unencodable keys still work as keys.
	d.Set(struct{ A int }{1}, "odd")
	assert.True(t, d.Has(struct{ A int }{1}))

	n := 0
	for range d.All() {
		n++
		break
	}
	assert.Equal(t, 1, n)

	var nilDict *variant.Dictionary
	assert.Equal(t, 0, nilDict.Len())
	_, ok = nilDict.Get(1)
	assert.False(t, ok)
	assert.Equal(t, "{a:1}", func() string { x := variant.NewDictionary(); x.Set("a", 1); return x.String() }())
}

func TestDictionaryDuplicateKeysOnWire(t *testing.T) {
	// {"a": 1, "a": 2}: Godot keeps the first position and the last value.
	b := unhex(t, "12000000 02000000 04000000 01000000 61000000 02000000 01000000 04000000 01000000 61000000 02000000 02000000")
	v, err := variant.Unmarshal(variant.Godot3, b)
	if !assert.NoError(t, err) {
		return
	}
	d := v.(*variant.Dictionary)
	assert.Equal(t, 1, d.Len())
	x, _ := d.Get("a")
	assert.Equal(t, int64(2), x)
}

func TestNodePathText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want variant.NodePath
		out  string
	}{
		{"", variant.NodePath{}, ""},
		{"a/b:c", variant.NodePath{Names: []string{"a", "b"}, SubNames: []string{"c"}}, "a/b:c"},
		{"/root/Main", variant.NodePath{Names: []string{"root", "Main"}, Absolute: true}, "/root/Main"},
		{":position:x", variant.NodePath{SubNames: []string{"position", "x"}}, ":position:x"},
		{"../Sibling", variant.NodePath{Names: []string{"..", "Sibling"}}, "../Sibling"},
		{"a//b/", variant.NodePath{Names: []string{"a", "b"}}, "a/b"},
	} {
		np := variant.ParseNodePath(c.in)
		assert.Equal(t, c.want, np, c.in)
		assert.Equal(t, c.out, np.String(), c.in)
	}
	assert.True(t, variant.NodePath{}.IsEmpty())
	assert.False(t, variant.ParseNodePath("/").IsEmpty())
}

func TestTypeAndDialectNames(t *testing.T) {
	assert.Equal(t, "PACKED_BYTE_ARRAY", variant.TypePackedByteArray.String())
	assert.Equal(t, "PACKED_VECTOR4_ARRAY", variant.TypePackedVector4Array.String())
	assert.Equal(t, "Type(200)", variant.Type(200).String())
	assert.Equal(t, "Godot3", variant.Godot3.String())
	assert.Equal(t, "Dialect(9)", variant.Dialect(9).String())
}
