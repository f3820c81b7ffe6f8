package scene

import (
	"encoding/binary"

	"github.com/enetgo/enet/variant"
)

// Godot 3 MultiplayerAPI commands: the whole byte 0
// (core/io/multiplayer_api.h, 3.x).
const (
	cmd3RemoteCall   = 0
	cmd3RemoteSet    = 1
	cmd3SimplifyPath = 2
	cmd3ConfirmPath  = 3
	cmd3Raw          = 4
)

// appendCall3 appends a Godot 3 REMOTE_CALL (set false) or REMOTE_SET (set
// true) without the trailing path: [cmd][target u32][name cstr], then for
// a call [argc u8] and the Variants, for a set the one Variant.
func appendCall3(dst []byte, set bool, target uint32, name string, args []any) ([]byte, error) {
	start := len(dst)
	cmd := byte(cmd3RemoteCall)
	if set {
		cmd = cmd3RemoteSet
	}
	dst = binary.LittleEndian.AppendUint32(append(dst, cmd), target)
	dst = appendCString(dst, name)
	if !set {
		if len(args) > 255 {
			return dst[:start], errf(ErrArgs, "%d arguments, at most 255", len(args))
		}
		dst = append(dst, byte(len(args)))
	} else if len(args) != 1 {
		return dst[:start], errf(ErrArgs, "rset takes one value")
	}
	var err error
	for _, a := range args {
		if dst, err = variant.AppendMarshal(dst, variant.Godot3, a); err != nil {
			return dst[:start], errf(ErrArgs, "%v", err)
		}
	}
	return dst, nil
}

// call3 is a parsed Godot 3 REMOTE_CALL or REMOTE_SET.
type call3 struct {
	set    bool
	target uint32 // cache id, or pathFlag|offset
	path   string
	name   string
	argc   int    // 1 for a set
	args   []byte // encoded Variants
}

// parseCall3 splits a Godot 3 REMOTE_CALL or REMOTE_SET.
func parseCall3(b []byte) (call3, error) {
	var c call3
	if len(b) < 6 {
		return c, errf(ErrTruncated, "%d bytes, need 6", len(b))
	}
	c.set = b[0] == cmd3RemoteSet
	c.target = binary.LittleEndian.Uint32(b[1:])
	end := len(b)
	if c.target&pathFlag != 0 {
		p := int(c.target &^ pathFlag)
		if p >= len(b) || p < 6 {
			return c, errf(ErrInvalid, "path offset %d outside 6..%d", p, len(b)-1)
		}
		var n int
		var err error
		if c.path, n, err = cstring(b[p:]); err != nil {
			return c, err
		}
		_ = n
		end = p
	}
	name, n, err := cstring(b[5:end])
	if err != nil {
		return c, err
	}
	c.name = name
	ofs := 5 + n
	if c.set {
		c.argc = 1
	} else {
		if ofs >= end {
			return c, errf(ErrTruncated, "argument count")
		}
		c.argc = int(b[ofs])
		ofs++
	}
	c.args = b[ofs:end]
	if c.argc*4 > len(c.args) {
		return c, errf(ErrTruncated, "%d arguments in %d bytes", c.argc, len(c.args))
	}
	return c, nil
}

// decodeArgs3 decodes the Variants of c into dst.
func decodeArgs3(dst []Value, c call3) ([]Value, error) {
	b := c.args
	for range c.argc {
		v, n, err := variant.UnmarshalPrefix(variant.Godot3, b)
		if err != nil {
			return dst, errf(ErrArgs, "%v", err)
		}
		dst = append(dst, Value{v: v})
		b = b[n:]
	}
	return dst, nil
}

// appendSimplify3 appends a Godot 3 SIMPLIFY_PATH: [2][id u32][path cstr].
func appendSimplify3(dst []byte, id uint32, path string) []byte {
	return appendCString(binary.LittleEndian.AppendUint32(append(dst, cmd3SimplifyPath), id), path)
}

// parseSimplify3 reads a Godot 3 SIMPLIFY_PATH.
func parseSimplify3(b []byte) (id uint32, path string, err error) {
	if len(b) < 5 {
		return 0, "", errf(ErrTruncated, "%d bytes, need 5", len(b))
	}
	path, _, err = cstring(b[5:])
	return binary.LittleEndian.Uint32(b[1:]), path, err
}

// appendConfirm3 appends a Godot 3 CONFIRM_PATH: [3][path cstr].
func appendConfirm3(dst []byte, path string) []byte {
	return appendCString(append(dst, cmd3ConfirmPath), path)
}

// parseConfirm3 reads a Godot 3 CONFIRM_PATH.
func parseConfirm3(b []byte) (string, error) {
	if len(b) < 2 {
		return "", errf(ErrTruncated, "%d bytes, need 2", len(b))
	}
	p, _, err := cstring(b[1:])
	return p, err
}
