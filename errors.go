package enet

import (
	"errors"
	"fmt"
)

// Error is a sentinel error of this package. Each one mirrors a Godot
// [Error] code, which [Error.GodotCode] reports, so code ported from GDScript
// can keep its error handling. Match them with [errors.Is]; returned errors
// wrap them with the failing operation's context.
//
// [Error]: https://docs.godotengine.org/en/stable/classes/class_@globalscope.html#enum-globalscope-error
type Error struct {
	code int
	msg  string
}

// Error returns the message, prefixed "enet: ".
func (e *Error) Error() string { return "enet: " + e.msg }

// GodotCode returns the number of the Godot Error constant this error
// mirrors (for example 31 for ERR_INVALID_PARAMETER).
func (e *Error) GodotCode() int { return e.code }

// The sentinel errors. Their Godot counterparts are named in each comment.
var (
	// ErrFailed is a generic failure of the C library (Godot FAILED, 1).
	ErrFailed = &Error{1, "operation failed"}
	// ErrUnavailable means there is nothing to return yet, for example no
	// queued packet (Godot ERR_UNAVAILABLE, 2).
	ErrUnavailable = &Error{2, "unavailable"}
	// ErrUnconfigured means the host was destroyed or the peer is no longer
	// active (Godot ERR_UNCONFIGURED, 3).
	ErrUnconfigured = &Error{3, "not active"}
	// ErrOutOfMemory means an encoded value exceeds a size limit (Godot
	// ERR_OUT_OF_MEMORY, 6).
	ErrOutOfMemory = &Error{6, "out of memory"}
	// ErrCantCreate means ENet could not create the host, for example because
	// the address is in use (Godot ERR_CANT_CREATE, 20).
	ErrCantCreate = &Error{20, "cannot create host"}
	// ErrAlreadyInUse means the object is already set up (Godot
	// ERR_ALREADY_IN_USE, 22).
	ErrAlreadyInUse = &Error{22, "already in use"}
	// ErrCantResolve means a host name did not resolve to an IPv4 address
	// (Godot ERR_CANT_RESOLVE, 26).
	ErrCantResolve = &Error{26, "cannot resolve address"}
	// ErrInvalidData means received bytes could not be decoded (Godot
	// ERR_INVALID_DATA, 30).
	ErrInvalidData = &Error{30, "invalid data"}
	// ErrInvalidParameter means an argument is out of range (Godot
	// ERR_INVALID_PARAMETER, 31).
	ErrInvalidParameter = &Error{31, "invalid parameter"}
	// ErrIPv6Unsupported means an IPv6 address was given where it cannot
	// be used: the system's ENet addresses are IPv4 only, and this
	// process's libenet does not let the binding translate them (see
	// IPv6Supported), or the host's socket is IPv4 only (bound to an IPv4
	// address). The error names which. It also matches
	// [ErrInvalidParameter].
	ErrIPv6Unsupported = &Error{31, "IPv6 unavailable (the system ENet's addresses are IPv4 only)"}
	// ErrConnectFailed means an outgoing connection attempt ended before it
	// was established (timeout, refusal or a compression mismatch). The
	// DISCONNECT event of such a peer carries it in [Event.Err].
	ErrConnectFailed = &Error{1, "connection attempt failed"}
)

// Is makes [ErrIPv6Unsupported] also match [ErrInvalidParameter].
func (e *Error) Is(target error) bool {
	return e == ErrIPv6Unsupported && target == ErrInvalidParameter
}

// OpError is the error type returned by this package's operations: the
// operation, the sentinel it wraps and details, printed as
// "enet: send: invalid parameter: channel 9 outside 0..3".
type OpError struct {
	// Op is the operation, such as "send".
	Op string
	// Err is the sentinel, such as ErrInvalidParameter.
	Err *Error
	// Detail says what was wrong; may be empty.
	Detail string
	// Cause is an underlying error, such as a variant decoding error; may
	// be nil.
	Cause error
}

// Error returns "enet: op: sentinel message: detail".
func (e *OpError) Error() string {
	s := "enet: " + e.Op + ": " + e.Err.msg
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (e *OpError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// opError wraps the sentinel err with the operation name and details.
func opError(op string, err *Error, format string, args ...any) error {
	d := format
	if len(args) > 0 {
		d = fmt.Sprintf(format, args...)
	}
	return &OpError{Op: op, Err: err, Detail: d}
}

// GodotCode returns the Godot Error number of err: 0 for nil, the code of
// the first [*Error] in err's chain, or 1 (FAILED) for any other error.
func GodotCode(err error) int {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}
