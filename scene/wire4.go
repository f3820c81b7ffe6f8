package scene

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// Godot 4 SceneMultiplayer commands: the low three bits of byte 0
// (modules/multiplayer/scene_multiplayer.h).
const (
	cmd4RemoteCall   = 0
	cmd4SimplifyPath = 1
	cmd4ConfirmPath  = 2
	cmd4Raw          = 3
	cmd4Spawn        = 4
	cmd4Despawn      = 5
	cmd4Sync         = 6
	cmd4Sys          = 7
	cmd4Mask         = 7

	// REMOTE_CALL meta flags (scene_rpc_interface.cpp).
	rpc4NodeIDShift = 4    // bits 4-5: node id as u8, u16 or u32
	rpc4MethodU16   = 0x40 // bit 6: method id as u16
	rpc4ByteOnly    = 0x80 // bit 7: one PackedByteArray argument or none

	// pathFlag marks a node target that is the offset of a trailing path.
	pathFlag = 0x80000000

	simplify4Min = 38 // [1][md5 32 + NUL][id u32]
	md5HexLen    = 32
)

// appendCString appends s and a NUL (Godot's encode_cstring).
func appendCString(dst []byte, s string) []byte { return append(append(dst, s...), 0) }

// cstring reads a NUL-terminated UTF-8 string from b and returns it with
// the bytes used (including the NUL). Without a NUL it fails.
func cstring(b []byte) (string, int, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", 0, errf(ErrTruncated, "string without NUL")
	}
	if !utf8.Valid(b[:i]) {
		return "", 0, errf(ErrInvalid, "string is not UTF-8")
	}
	return string(b[:i]), i + 1, nil
}

// tailString reads the rest of b as a string, stopping at a NUL (how
// Godot 4 reads a trailing path).
func tailString(b []byte) (string, error) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if !utf8.Valid(b) {
		return "", errf(ErrInvalid, "string is not UTF-8")
	}
	return string(b), nil
}

// appendRPC4 appends a Godot 4 REMOTE_CALL without a trailing path: meta,
// node id (the smallest width unless pathForm, which forces u32), method
// id, then the arguments: nothing for none, the raw bytes of a single
// non-empty []byte, else a count and compact values.
func appendRPC4(dst []byte, nodeID uint32, pathForm bool, methodID uint16, args []any) ([]byte, error) {
	start := len(dst)
	dst = append(dst, cmd4RemoteCall)
	var meta byte = cmd4RemoteCall
	switch {
	case !pathForm && nodeID <= 0xFF:
		dst = append(dst, byte(nodeID))
	case !pathForm && nodeID <= 0xFFFF:
		meta |= 1 << rpc4NodeIDShift
		dst = binary.LittleEndian.AppendUint16(dst, uint16(nodeID))
	default:
		meta |= 2 << rpc4NodeIDShift
		dst = binary.LittleEndian.AppendUint32(dst, nodeID)
	}
	if methodID <= 0xFF {
		dst = append(dst, byte(methodID))
	} else {
		meta |= rpc4MethodU16
		dst = binary.LittleEndian.AppendUint16(dst, methodID)
	}
	if len(args) > 255 {
		return dst[:start], errf(ErrArgs, "%d arguments, at most 255", len(args))
	}
	var err error
	switch {
	case len(args) == 0:
		meta |= rpc4ByteOnly
	case len(args) == 1 && isBytes(args[0]):
		meta |= rpc4ByteOnly
		dst = append(dst, args[0].([]byte)...)
	default:
		dst = append(dst, byte(len(args)))
		if dst, err = AppendCompressedList(dst, args); err != nil {
			return dst[:start], err
		}
	}
	dst[start] = meta
	return dst, nil
}

func isBytes(v any) bool { _, ok := v.([]byte); return ok }

// rpc4 is a parsed Godot 4 REMOTE_CALL.
type rpc4 struct {
	node     uint32 // cache id, or pathFlag|offset
	path     string // the trailing path when node has pathFlag
	method   uint16
	byteOnly bool
	args     []byte // argument bytes (after the count unless byteOnly)
	argc     int
}

// parseRPC4 splits a REMOTE_CALL; the arguments stay encoded.
func parseRPC4(b []byte) (rpc4, error) {
	var r rpc4
	if len(b) < 1 {
		return r, errf(ErrTruncated, "empty")
	}
	meta := b[0]
	ofs := 1
	switch (meta >> rpc4NodeIDShift) & 3 {
	case 0:
		if len(b) < ofs+1 {
			return r, errf(ErrTruncated, "node id")
		}
		r.node = uint32(b[ofs])
		ofs++
	case 1:
		if len(b) < ofs+2 {
			return r, errf(ErrTruncated, "node id")
		}
		r.node = uint32(binary.LittleEndian.Uint16(b[ofs:]))
		ofs += 2
	case 2:
		if len(b) < ofs+4 {
			return r, errf(ErrTruncated, "node id")
		}
		r.node = binary.LittleEndian.Uint32(b[ofs:])
		ofs += 4
	default:
		return r, errf(ErrInvalid, "node id size code 3")
	}
	if meta&rpc4MethodU16 != 0 {
		if len(b) < ofs+2 {
			return r, errf(ErrTruncated, "method id")
		}
		r.method = binary.LittleEndian.Uint16(b[ofs:])
		ofs += 2
	} else {
		if len(b) < ofs+1 {
			return r, errf(ErrTruncated, "method id")
		}
		r.method = uint16(b[ofs])
		ofs++
	}
	end := len(b)
	if r.node&pathFlag != 0 {
		p := int(r.node &^ pathFlag)
		if p >= len(b) || p < ofs {
			return r, errf(ErrInvalid, "path offset %d outside %d..%d", p, ofs, len(b)-1)
		}
		var err error
		if r.path, err = tailString(b[p:]); err != nil {
			return r, err
		}
		end = p
	}
	r.byteOnly = meta&rpc4ByteOnly != 0
	if r.byteOnly {
		r.args = b[ofs:end]
		if len(r.args) > 0 {
			r.argc = 1
		}
		return r, nil
	}
	if ofs >= end {
		return r, errf(ErrTruncated, "argument count")
	}
	r.argc = int(b[ofs])
	r.args = b[ofs+1 : end]
	if r.argc > len(r.args) {
		return r, errf(ErrTruncated, "%d arguments in %d bytes", r.argc, len(r.args))
	}
	return r, nil
}

// decodeArgs4 decodes the arguments of r into dst.
func decodeArgs4(dst []Value, r rpc4) ([]Value, error) {
	if r.byteOnly {
		if r.argc == 1 {
			dst = append(dst, Value{v: bytes.Clone(r.args)})
		}
		return dst, nil
	}
	b := r.args
	for range r.argc {
		v, n, err := DecodeCompressed(b)
		if err != nil {
			return dst, err
		}
		dst = append(dst, Value{v: v})
		b = b[n:]
	}
	return dst, nil
}

// appendSimplify4 appends a Godot 4 SIMPLIFY_PATH.
func appendSimplify4(dst []byte, checksum string, id uint32, path string) []byte {
	dst = appendCString(append(dst, cmd4SimplifyPath), checksum)
	dst = binary.LittleEndian.AppendUint32(dst, id)
	return appendCString(dst, path)
}

// parseSimplify4 reads a Godot 4 SIMPLIFY_PATH.
func parseSimplify4(b []byte) (checksum string, id uint32, path string, err error) {
	if len(b) < simplify4Min {
		return "", 0, "", errf(ErrTruncated, "%d bytes, need %d", len(b), simplify4Min)
	}
	checksum = string(b[1 : 1+md5HexLen])
	id = binary.LittleEndian.Uint32(b[2+md5HexLen:])
	path, err = tailString(b[simplify4Min:])
	return checksum, id, path, err
}

// ConfirmForm is the layout of Godot 4's CONFIRM_PATH.
type ConfirmForm uint8

// CONFIRM_PATH layouts.
const (
	// Confirm43 is [2][valid u8][cache id u32], exactly 6 bytes (Godot 4.3
	// and later).
	Confirm43 ConfirmForm = iota
	// Confirm40 is [2][valid u8][path cstr] (Godot 4.0 to 4.2).
	Confirm40
)

// appendConfirm4 appends a Godot 4 CONFIRM_PATH in form f.
func appendConfirm4(dst []byte, f ConfirmForm, valid bool, id uint32, path string) []byte {
	v := byte(0)
	if valid {
		v = 1
	}
	dst = append(dst, cmd4ConfirmPath, v)
	if f == Confirm40 {
		return appendCString(dst, path)
	}
	return binary.LittleEndian.AppendUint32(dst, id)
}

// parseConfirm4 reads a Godot 4 CONFIRM_PATH in form f: the id (4.3+) or
// the path (4.0-4.2).
func parseConfirm4(b []byte, f ConfirmForm) (valid bool, id uint32, path string, err error) {
	if f == Confirm40 {
		if len(b) < 3 {
			return false, 0, "", errf(ErrTruncated, "%d bytes, need 3", len(b))
		}
		path, err = tailString(b[2:])
		return b[1] != 0, 0, path, err
	}
	if len(b) != 6 {
		return false, 0, "", errf(ErrInvalid, "%d bytes, want 6", len(b))
	}
	return b[1] != 0, binary.LittleEndian.Uint32(b[2:]), "", nil
}
