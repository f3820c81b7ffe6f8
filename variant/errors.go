package variant

import "errors"

// Sentinel errors. Errors returned by this package wrap one of these; test
// with errors.Is.
var (
	// ErrTruncated means the input ended in the middle of a value (Godot:
	// ERR_INVALID_DATA or ERR_FILE_EOF).
	ErrTruncated = errors.New("variant: truncated data")
	// ErrInvalidData means the input is malformed: bad UTF-8, a negative or
	// impossible count, an old-format NodePath, trailing bytes (Godot:
	// ERR_INVALID_DATA).
	ErrInvalidData = errors.New("variant: invalid data")
	// ErrUnknownType means a header names a type id the dialect does not
	// have (Godot: ERR_INVALID_DATA).
	ErrUnknownType = errors.New("variant: unknown type")
	// ErrTooDeep means arrays and dictionaries are nested deeper than
	// MaxDepth (Godot 4: ERR_OUT_OF_MEMORY).
	ErrTooDeep = errors.New("variant: nested too deep")
	// ErrUnauthorized means the input holds a full object (put_var with
	// full_objects on), which this package never decodes (Godot:
	// ERR_UNAUTHORIZED when allow_objects is off).
	ErrUnauthorized = errors.New("variant: full objects are not allowed")
	// ErrUnsupported means Marshal got a Go value it cannot represent, or a
	// type the dialect does not have (such as Vector2i in Godot 3).
	ErrUnsupported = errors.New("variant: unsupported value")
)

// MaxDepth is how deeply arrays, dictionaries and typed arrays may nest, in
// both directions and both dialects. It is Godot 4's
// Variant::MAX_RECURSION_DEPTH; Godot 3 has no limit (and overflows its
// stack instead), so the same number is used there.
const MaxDepth = 1024
