// Package cenet compiles the C glue of package enet: batched send, service
// and drain, create-and-send, the small-block allocator ENet is given
// (alloc.c), the allocation counter and the Godot-compatible compressor
// callbacks (FastLZ, zlib, zstd).
//
// It has no Go API. Package enet imports it for its C symbols and declares
// them through the headers in this directory. Everything here is written for
// this project; no upstream ENet or Godot code is copied.
package cenet

// #cgo pkg-config: libenet libzstd zlib openssl
// #cgo CFLAGS: -O2 -Wall -Wextra -Wno-unused-parameter
import "C"
