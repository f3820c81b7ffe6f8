//go:build !cgo

package enet

// Without cgo, importing the C glue package stops the build there first,
// with one error that says what to do (cenet/nocgo.go), before the
// compiler reaches this package's references to the cgo half of the
// binding.
import _ "github.com/enetgo/enet/cenet"
