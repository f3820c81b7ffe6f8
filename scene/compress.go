package scene

import (
	"encoding/binary"
	"math"

	"github.com/enetgo/enet/variant"
)

// Godot 4's compact Variant form for RPC arguments and replication state
// (MultiplayerAPI::encode_and_compress_variant, scene/main/multiplayer_api.cpp):
// byte 0 holds the type in bits 0-5 and an encode mode in bits 6-7. BOOL is
// that byte alone with the value in bit 7; INT carries its smallest signed
// width (mode 0..3 = 1, 2, 4, 8 bytes); every other type is the ordinary
// Variant encoding, whose first header byte is the type with mode 0.
const (
	metaTypeMask  = 0x3F
	metaModeShift = 6
)

// AppendCompressed appends the Godot 4 compact encoding of v (see
// variant.Marshal for the Go types accepted).
func AppendCompressed(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case bool:
		b := byte(variant.TypeBool)
		if x {
			b |= 1 << 7
		}
		return append(dst, b), nil
	case int:
		return appendCompactInt(dst, int64(x)), nil
	case int8:
		return appendCompactInt(dst, int64(x)), nil
	case int16:
		return appendCompactInt(dst, int64(x)), nil
	case int32:
		return appendCompactInt(dst, int64(x)), nil
	case int64:
		return appendCompactInt(dst, x), nil
	case uint8:
		return appendCompactInt(dst, int64(x)), nil
	case uint16:
		return appendCompactInt(dst, int64(x)), nil
	case uint32:
		return appendCompactInt(dst, int64(x)), nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return dst, errf(ErrArgs, "uint %d overflows Godot's int", x)
		}
		return appendCompactInt(dst, int64(x)), nil
	case uint64:
		if x > math.MaxInt64 {
			return dst, errf(ErrArgs, "uint64 %d overflows Godot's int", x)
		}
		return appendCompactInt(dst, int64(x)), nil
	}
	out, err := variant.AppendMarshal(dst, variant.Godot4, v)
	if err != nil {
		return dst, errf(ErrArgs, "%v", err)
	}
	return out, nil
}

func appendCompactInt(dst []byte, v int64) []byte {
	t := byte(variant.TypeInt)
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(dst, t, byte(v))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return binary.LittleEndian.AppendUint16(append(dst, t|1<<metaModeShift), uint16(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return binary.LittleEndian.AppendUint32(append(dst, t|2<<metaModeShift), uint32(v))
	}
	return binary.LittleEndian.AppendUint64(append(dst, t|3<<metaModeShift), uint64(v))
}

// DecodeCompressed decodes one compact Godot 4 value from the start of b
// and returns it with the number of bytes used. Objects are accepted only
// as instance ids, as with Godot's allow_object_decoding off.
func DecodeCompressed(b []byte) (any, int, error) {
	if len(b) == 0 {
		return nil, 0, errf(ErrTruncated, "empty value")
	}
	meta := b[0]
	switch variant.Type(meta & metaTypeMask) {
	case variant.TypeBool:
		return meta>>7 != 0, 1, nil
	case variant.TypeInt:
		var n int
		switch meta >> metaModeShift {
		case 0:
			n = 1
		case 1:
			n = 2
		case 2:
			n = 4
		default:
			n = 8
		}
		if len(b) < 1+n {
			return nil, 0, errf(ErrTruncated, "int of %d bytes, %d left", n, len(b)-1)
		}
		switch n {
		case 1:
			return int64(int8(b[1])), 2, nil
		case 2:
			return int64(int16(binary.LittleEndian.Uint16(b[1:]))), 3, nil
		case 4:
			return int64(int32(binary.LittleEndian.Uint32(b[1:]))), 5, nil
		}
		return int64(binary.LittleEndian.Uint64(b[1:])), 9, nil
	}
	v, n, err := variant.UnmarshalPrefix(variant.Godot4, b)
	if err != nil {
		return nil, 0, errf(ErrArgs, "%v", err)
	}
	return v, n, nil
}

// AppendCompressedList appends the compact encodings of vs one after the
// other, with no count (Godot's encode_and_compress_variants without the
// byte-array shortcut).
func AppendCompressedList(dst []byte, vs []any) ([]byte, error) {
	var err error
	for _, v := range vs {
		if dst, err = AppendCompressed(dst, v); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// DecodeCompressedList decodes compact values until b is used up.
func DecodeCompressedList(b []byte) ([]any, error) {
	var out []any
	for len(b) > 0 {
		v, n, err := DecodeCompressed(b)
		if err != nil {
			return out, err
		}
		out = append(out, v)
		b = b[n:]
	}
	return out, nil
}
