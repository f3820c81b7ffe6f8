package variant

import (
	"errors"
	"fmt"
)

// sentinel is the type of the package's sentinel errors.
type sentinel string

func (s sentinel) Error() string { return "variant: " + string(s) }

// Sentinel errors. Errors returned by this package wrap one of these; test
// with errors.Is.
var (
	// ErrTruncated means the input ended in the middle of a value (Godot:
	// ERR_INVALID_DATA or ERR_FILE_EOF).
	ErrTruncated error = sentinel("truncated data")
	// ErrInvalidData means the input is malformed: bad UTF-8, a negative
	// count, an old-format NodePath, trailing bytes (Godot:
	// ERR_INVALID_DATA).
	ErrInvalidData error = sentinel("invalid data")
	// ErrUnknownType means a header names a type id the dialect does not
	// have (Godot: ERR_INVALID_DATA).
	ErrUnknownType error = sentinel("unknown type")
	// ErrTooDeep means arrays and dictionaries are nested deeper than
	// MaxDepth (Godot 4: ERR_OUT_OF_MEMORY).
	ErrTooDeep error = sentinel("nested too deep")
	// ErrUnauthorized means the input holds a full object (put_var with
	// full_objects on), which this package never decodes (Godot:
	// ERR_UNAUTHORIZED when allow_objects is off).
	ErrUnauthorized error = sentinel("full objects are not allowed")
	// ErrUnsupported means Marshal got a Go value it cannot represent, or a
	// type the dialect does not have (such as Vector2i in Godot 3).
	ErrUnsupported error = sentinel("unsupported value")
)

// MaxDepth is how deeply arrays, dictionaries and typed arrays may nest, in
// both directions and both dialects. It is Godot 4's
// Variant::MAX_RECURSION_DEPTH: a value may sit 1024 containers deep, not
// 1025. Godot 3.6.2 has the same limit; Godot 3.2.3 has none (and
// overflows its stack instead), so the Godot 3 dialect uses it too.
const MaxDepth = 1024

// Error is the error type returned by Marshal, Unmarshal and their
// variants. It unwraps to one of the sentinel errors.
type Error struct {
	Op      string  // "marshal" or "unmarshal"
	Dialect Dialect // the dialect in use
	Offset  int     // Unmarshal: byte offset where decoding stopped; Marshal: -1
	Err     error   // what went wrong, wrapping a sentinel
}

// Error returns "variant: op dialect at offset N: what went wrong".
func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("variant: %s %v at offset %d: %v", e.Op, e.Dialect, e.Offset, e.Err)
	}
	return fmt.Sprintf("variant: %s %v: %v", e.Op, e.Dialect, e.Err)
}

// Unwrap returns what went wrong, for errors.Is with the sentinels.
func (e *Error) Unwrap() error { return e.Err }

// detail is a sentinel with context; its message omits the "variant: "
// prefix because an *Error adds it.
type detail struct {
	kind sentinel
	msg  string
}

func (d *detail) Error() string { return string(d.kind) + ": " + d.msg }
func (d *detail) Unwrap() error { return d.kind }

func errf(kind error, format string, args ...any) error {
	return &detail{kind: kind.(sentinel), msg: fmt.Sprintf(format, args...)}
}

// GodotError returns the number of the Godot Error that Godot's own
// encoder or decoder reports for the same problem: 0 (OK) for nil,
// ERR_INVALID_DATA (30) for truncated or malformed input and unknown types,
// ERR_OUT_OF_MEMORY (6) for ErrTooDeep, ERR_UNAUTHORIZED (4) for
// ErrUnauthorized, ERR_INVALID_PARAMETER (31) for ErrUnsupported and FAILED
// (1) for anything else.
func GodotError(err error) int {
	var s sentinel
	switch {
	case err == nil:
		return 0
	case !errors.As(err, &s):
		return 1
	case s == ErrTooDeep:
		return 6
	case s == ErrUnauthorized:
		return 4
	case s == ErrUnsupported:
		return 31
	default:
		return 30
	}
}
