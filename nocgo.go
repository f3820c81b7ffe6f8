//go:build !cgo

package enet

// This file makes a build without cgo fail with a readable message: package
// enet is a binding over the C ENet library and cannot work without cgo.

var _ = enetgo_requires_cgo__set_CGO_ENABLED_1_and_install_libenet_dev_and_a_C_compiler
