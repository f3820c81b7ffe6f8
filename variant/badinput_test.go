package variant_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/enetgo/enet/variant"
)

func TestBadInput(t *testing.T) {
	cases := []struct {
		name string
		d    variant.Dialect
		hex  string
		want error
	}{
		{"empty", variant.Godot4, "", variant.ErrTruncated},
		{"short header", variant.Godot4, "0200", variant.ErrTruncated},
		{"int short", variant.Godot4, "02000000 0700", variant.ErrTruncated},
		{"int64 short", variant.Godot4, "02000100 07000000", variant.ErrTruncated},
		{"float64 short", variant.Godot3, "03000100 00000000", variant.ErrTruncated},
		{"unknown type G4", variant.Godot4, "27000000", variant.ErrUnknownType},
		{"unknown type G3", variant.Godot3, "1B000000", variant.ErrUnknownType},
		{"high type", variant.Godot3, "FF000000", variant.ErrUnknownType},
		{"string short", variant.Godot4, "04000000 05000000 68656C6C", variant.ErrTruncated},
		{"string missing padding", variant.Godot4, "04000000 02000000 6869", variant.ErrTruncated},
		{"string huge", variant.Godot4, "04000000 FFFFFF7F", variant.ErrTruncated},
		{"string negative", variant.Godot4, "04000000 FFFFFFFF", variant.ErrInvalidData},
		{"string bad utf8", variant.Godot4, "04000000 02000000 C3280000", variant.ErrInvalidData},
		{"vector3 short", variant.Godot3, "07000000 00000000 00000000", variant.ErrTruncated},
		{"vector2 wide short", variant.Godot4, "05000100 00000000 00000000", variant.ErrTruncated},
		{"transform short", variant.Godot3, "0D000000 00000000", variant.ErrTruncated},
		{"color short", variant.Godot4, "14000000 00000000", variant.ErrTruncated},
		{"nodepath old format", variant.Godot3, "0F000000 01000000", variant.ErrInvalidData},
		{"nodepath huge", variant.Godot3, "0F000000 FFFFFFFF FFFFFFFF 00000000", variant.ErrTruncated},
		{"nodepath short header", variant.Godot3, "0F000000 01000080", variant.ErrTruncated},
		{"full object G3", variant.Godot3, "11000000 00000000", variant.ErrUnauthorized},
		{"full object G4", variant.Godot4, "18000000 04000000 4E6F6465 00000000", variant.ErrUnauthorized},
		{"object id short", variant.Godot4, "18000100 01000000", variant.ErrTruncated},
		{"rid short G4", variant.Godot4, "17000000 01000000", variant.ErrTruncated},
		{"array huge count", variant.Godot4, "1C000000 FFFFFF7F", variant.ErrTruncated},
		{"array element missing", variant.Godot3, "13000000 02000000 00000000", variant.ErrTruncated},
		{"dict huge count", variant.Godot3, "12000000 FFFFFF7F 00000000", variant.ErrTruncated},
		{"dict value missing", variant.Godot4, "1B000000 01000000 00000000", variant.ErrTruncated},
		{"typed array bad builtin", variant.Godot4, "1C000100 63000000 00000000", variant.ErrInvalidData},
		{"typed array class short", variant.Godot4, "1C000200 09000000 4E6F6465", variant.ErrTruncated},
		{"typed dict value type missing", variant.Godot4, "1B000400", variant.ErrTruncated},
		{"bytes huge", variant.Godot4, "1D000000 FFFFFF7F", variant.ErrTruncated},
		{"bytes negative", variant.Godot3, "14000000 FFFFFFFF", variant.ErrInvalidData},
		{"int32s short", variant.Godot3, "15000000 02000000 01000000", variant.ErrTruncated},
		{"int64s short", variant.Godot4, "1F000000 01000000 01000000", variant.ErrTruncated},
		{"float32s huge", variant.Godot3, "16000000 00000040", variant.ErrTruncated},
		{"float64s short", variant.Godot4, "21000000 01000000 00000000", variant.ErrTruncated},
		{"strings huge", variant.Godot4, "22000000 FFFFFF0F", variant.ErrTruncated},
		{"strings element short", variant.Godot3, "17000000 01000000 08000000 61626300", variant.ErrTruncated},
		{"vector2s short", variant.Godot3, "18000000 01000000 00000000", variant.ErrTruncated},
		{"vector2s wide short", variant.Godot4, "23000100 01000000 00000000 00000000", variant.ErrTruncated},
		{"vector3s short", variant.Godot4, "24000000 01000000 00000000", variant.ErrTruncated},
		{"vector4s short", variant.Godot4, "26000000 01000000 00000000", variant.ErrTruncated},
		{"colors short", variant.Godot3, "1A000000 01000000 00000000", variant.ErrTruncated},
		{"signal short", variant.Godot4, "1A000000 01000000 61000000", variant.ErrTruncated},
		{"trailing bytes", variant.Godot3, "00000000 00000000", variant.ErrInvalidData},
		{"bad dialect", variant.Dialect(0), "00000000", variant.ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := variant.Unmarshal(c.d, unhex(t, c.hex))
			assert.ErrorIs(t, err, c.want, "decoded %#v", v)
			assert.Nil(t, v)
		})
	}
}

// TestBadInputBoundedAllocation feeds claims of huge sizes and checks that
// decoding fails without allocating for them.
func TestBadInputBoundedAllocation(t *testing.T) {
	inputs := []string{
		"1C000000 FFFFFF7F", "12000000 FFFFFF7F", "1D000000 FFFFFF7F", "1E000000 FFFFFF1F",
		"22000000 FFFFFF7F", "25000000 FFFFFF0F", "0F000000 FFFFFFFF FFFFFFFF 02000000",
		"26000100 FFFFFF0F", "23000100 FFFFFF7F", "1C000100 02000000 FFFFFF7F",
		"1B000500 04000000 02000000 FFFFFF7F", "1C000200 04000000 4E6F6465 FFFFFF7F",
	}
	for _, h := range inputs {
		b := unhex(t, h)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := variant.Unmarshal(variant.Godot4, b)
		runtime.ReadMemStats(&after)
		assert.Error(t, err)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), h)
	}
}

func TestGodotError(t *testing.T) {
	_, err := variant.Unmarshal(variant.Godot3, []byte{1})
	assert.Equal(t, 30, variant.GodotError(err))
	_, err = variant.Unmarshal(variant.Godot3, unhex(t, "11000000 00000000"))
	assert.Equal(t, 4, variant.GodotError(err))
	_, err = variant.Marshal(variant.Godot3, variant.Vector2i{})
	assert.Equal(t, 31, variant.GodotError(err))
	assert.Equal(t, 6, variant.GodotError(variant.ErrTooDeep))
	assert.Equal(t, 0, variant.GodotError(nil))
	assert.Equal(t, 1, variant.GodotError(assert.AnError))
}
