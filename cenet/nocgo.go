//go:build !cgo

package cenet

// Without cgo the build stops here, in the first package compiled, so the
// first error a user sees says what to do: package enet is a binding over
// the C ENet library.

var _ = enet_needs_cgo__build_with_CGO_ENABLED_1_a_C_compiler_and_libenet_dev
