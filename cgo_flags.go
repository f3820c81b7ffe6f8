//go:build cgo

package enet

// Every #cgo line of package enet lives here. The C library is the system's
// reference ENet, found with pkg-config (Debian/Ubuntu: libenet-dev); the C
// glue in ./cenet also links zlib and zstd for Godot's compressors.

/*
#cgo pkg-config: libenet
#cgo CFLAGS: -O2
#include <enet/enet.h>
#if ENET_VERSION < ENET_VERSION_CREATE(1, 3, 17)
#error "github.com/enetgo/enet needs ENet 1.3.17 or newer (Debian/Ubuntu: apt-get install libenet-dev)"
#endif
*/
import "C"
