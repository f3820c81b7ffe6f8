//go:build enetgo_portable

package cenet

// The enetgo_portable build tag compiles the portable path on Linux too (a
// pipe for wake-ups, poll(2) only, ENet's own datagram I/O), so Linux CI
// tests what other Unix systems run.

// #cgo CFLAGS: -DENETGO_PORTABLE
import "C"
