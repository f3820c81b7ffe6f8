package enet

// binding_dtls.go converts between C and Go for DTLS hosts (cenet/dtls.c),
// as binding.go does for everything else. Callers hold the host's lock.

/*
#include <stdlib.h>
#include "cenet/dtls.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// cBytes points C at b (nil when empty).
func cBytes(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// hostDTLSServer makes h a DTLS server; "" or the reason it could not.
func hostDTLSServer(h cHost, cert, key []byte) string {
	var err [256]C.char
	r := C.enetgo_dtls_server_setup(h, cBytes(cert), C.size_t(len(cert)), cBytes(key), C.size_t(len(key)),
		&err[0], C.size_t(len(err)))
	runtime.KeepAlive(cert)
	runtime.KeepAlive(key)
	if r == 0 {
		return ""
	}
	return C.GoString(&err[0])
}

// hostDTLSClient makes h a DTLS client; "" or the reason it could not.
func hostDTLSClient(h cHost, hostname string, ca []byte, noVerify bool) string {
	var err [256]C.char
	cs := C.CString(hostname)
	defer C.free(unsafe.Pointer(cs))
	r := C.enetgo_dtls_client_setup(h, cs, cBytes(ca), C.size_t(len(ca)), cBool(noVerify), &err[0], C.size_t(len(err)))
	runtime.KeepAlive(ca)
	if r == 0 {
		return ""
	}
	return C.GoString(&err[0])
}

func hostDTLSStats(h cHost) DTLSStats {
	var s C.enetgo_dtls_stats
	C.enetgo_dtls_read_stats(h, &s)
	var b, c [256]C.char
	C.enetgo_dtls_last_error(h, &b[0], C.size_t(len(b)))
	C.enetgo_dtls_cipher(h, &c[0], C.size_t(len(c)))
	return DTLSStats{Handshakes: uint64(s.handshakes), Failures: uint64(s.failures),
		Dropped: uint64(s.dropped), Cookies: uint64(s.cookies), Sessions: int(s.sessions),
		LastError: C.GoString(&b[0]), Cipher: C.GoString(&c[0])}
}

// hostDTLSOffered is the suites the last client that completed a
// handshake with this server offered, colon-separated (tests).
func hostDTLSOffered(h cHost) string {
	var b [2048]C.char
	C.enetgo_dtls_offered(h, &b[0], C.size_t(len(b)))
	return C.GoString(&b[0])
}

// hostDTLSFailure is the client's failed handshake's reason, or "".
func hostDTLSFailure(h cHost) string {
	var s C.enetgo_dtls_stats
	C.enetgo_dtls_read_stats(h, &s)
	if s.failed == 0 {
		return ""
	}
	var b [256]C.char
	C.enetgo_dtls_last_error(h, &b[0], C.size_t(len(b)))
	return C.GoString(&b[0])
}

// hostDTLSRestrictCiphers narrows the host's suites to list, in OpenSSL's
// names, for sessions opened from now on (tests); false if none is left.
func hostDTLSRestrictCiphers(h cHost, list string) bool {
	cs := C.CString(list)
	defer C.free(unsafe.Pointer(cs))
	return C.enetgo_dtls_restrict_ciphers(h, cs) == 0
}

// dtlsLiveSessions counts DTLS sessions alive in the process (tests).
func dtlsLiveSessions() int64 { return int64(C.enetgo_dtls_live()) }
