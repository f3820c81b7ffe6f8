//go:build cgo && enetgo_portable

package enet

// With the enetgo_portable build tag the C glue's headers are read as on
// other Unix systems (see cenet/portable.go).

// #cgo CFLAGS: -DENETGO_PORTABLE
import "C"
