package scene

import "github.com/enetgo/enet/variant"

// appendVariant appends the Variant encoding of v in dialect d. Godot pads
// strings and byte arrays to 4 bytes relative to the value's own start,
// but variant.AppendMarshal pads relative to the start of dst, so the
// value is encoded at a 4-aligned offset and moved back.
func appendVariant(dst []byte, d variant.Dialect, v any) ([]byte, error) {
	start := len(dst)
	k := (4 - start%4) % 4
	for range k {
		dst = append(dst, 0)
	}
	out, err := variant.AppendMarshal(dst, d, v)
	if err != nil {
		return dst[:start], err
	}
	if k > 0 {
		copy(out[start:], out[start+k:])
		out = out[:len(out)-k]
	}
	return out, nil
}
