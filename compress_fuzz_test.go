//go:build linux

package enet

import (
	"bytes"
	"compress/zlib"
	"io"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// guardedMax is the largest buffer a guarded region hands out.
const guardedMax = 1 << 17

// guardedRegion is memory outside the Go heap whose usable part is followed
// by an inaccessible page, so that a C codec reading or writing even one byte
// past a buffer taken from its end crashes at once instead of silently
// touching a neighbour.
type guardedRegion struct{ mem []byte }

func newGuardedRegion(t testing.TB) *guardedRegion {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, guardedMax+page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON)
	require.NoError(t, err)
	require.NoError(t, syscall.Mprotect(mem[guardedMax:], syscall.PROT_NONE))
	return &guardedRegion{mem: mem[:guardedMax:guardedMax]}
}

// tail returns n bytes ending right at the guard page (n <= guardedMax).
func (g *guardedRegion) tail(n int) []byte {
	return g.mem[guardedMax-n : guardedMax : guardedMax]
}

// load copies b to the end of the region and returns that copy.
func (g *guardedRegion) load(b []byte) []byte {
	dst := g.tail(len(b))
	copy(dst, b)
	return dst
}

// The regions are shared by all fuzz iterations of a process; fuzz functions
// run one at a time per process.
var (
	guardOnce          sync.Once
	guardIn, guardOut  *guardedRegion
	guardMu            sync.Mutex
	fuzzDecompressSize = 4096 // ENet's decompress limit is below 4096
)

func guards(t testing.TB) (in, out *guardedRegion) {
	guardOnce.Do(func() {
		guardIn, guardOut = newGuardedRegion(t), newGuardedRegion(t)
	})
	return guardIn, guardOut
}

// addCompressedSeeds adds mode's compression of every codec input that
// fits, so the fuzzers start from valid streams.
func addCompressedSeeds(f *testing.F, mode CompressionMode) {
	for _, in := range codecInputs() {
		if len(in.data) == 0 || len(in.data) > 20000 {
			continue
		}
		dst := make([]byte, 2*len(in.data)+128)
		if n := codecCompress(mode, defaultCodecLevel(mode), dst, in.data); n > 0 {
			f.Add(dst[:n], uint16(len(in.data)))
		}
	}
}

// checkDecompress runs decompress on data loaded before a guard page into
// an output of limit bytes that ends at a guard page, and checks the result
// is within the limit. It returns a copy of the output.
func checkDecompress(t *testing.T, data []byte, limit int, decompress func(dst, src []byte) int) []byte {
	if len(data) > guardedMax || limit > guardedMax {
		t.Skip("too large")
	}
	guardMu.Lock()
	defer guardMu.Unlock()
	gin, gout := guards(t)
	out := gout.tail(limit)
	n := decompress(out, gin.load(data))
	require.GreaterOrEqual(t, n, 0)
	require.LessOrEqual(t, n, limit)
	return bytes.Clone(out[:n])
}

// checkRoundTrip compresses src with compress into a buffer of exactly the
// size it needs (and one byte less, which must fail), decompresses into
// exactly len(src) bytes, and checks the bytes come back.
func checkRoundTrip(t *testing.T, src []byte, compress func(dst, src []byte) int) {
	guardMu.Lock()
	defer guardMu.Unlock()
	gin, gout := guards(t)
	in := gin.load(src)
	bound := len(src) + len(src)/16 + 66
	if bound > guardedMax {
		t.Skip("too large")
	}
	n := compress(gout.tail(bound), in)
	require.Positive(t, n)
	packed := bytes.Clone(gout.tail(bound)[:n])

	require.Equal(t, n, compress(gout.tail(n), in), "exact-size output")
	require.Equal(t, packed, gout.tail(n), "exact-size output")
	require.Zero(t, compress(gout.tail(n-1), in), "output one byte short")

	in = gin.load(packed)
	out := gout.tail(len(src))
	require.Equal(t, len(src), fastlzDecompress(out, in))
	require.True(t, bytes.Equal(src, out), "round trip")
}

func FuzzFastLZDecompress(f *testing.F) {
	addCompressedSeeds(f, CompressFastLZ)
	f.Add([]byte{0x20, 'a', 0xe0, 0xff, 0xff, 0x10, 0x00}, uint16(4096))
	f.Add([]byte{0x20, 'a', 0x3f, 0xff, 0x00, 0x00}, uint16(4096))
	f.Add([]byte{0x00, 'a', 0xe0, 0xff, 0x00}, uint16(300))
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		out := checkDecompress(t, data, int(limit), fastlzDecompress)
		if len(out) == 0 {
			return
		}
		for _, level := range []int{1, 2} {
			checkRoundTrip(t, out, func(dst, src []byte) int { return fastlzCompressLevel(level, dst, src) })
		}
	})
}

func FuzzFastLZRoundTrip(f *testing.F) {
	for _, in := range codecInputs() {
		if len(in.data) > 0 && len(in.data) <= 20000 {
			f.Add(in.data, uint8(1))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, level uint8) {
		if len(data) == 0 {
			return
		}
		lv := 1 + int(level&1)
		checkRoundTrip(t, data, func(dst, src []byte) int { return fastlzCompressLevel(lv, dst, src) })
		if len(data) >= 16 && len(data) < 65536 {
			// The codec is FastLZ level 1 for these sizes.
			a := make([]byte, len(data)+len(data)/16+66)
			b := make([]byte, len(a))
			na := codecCompress(CompressFastLZ, 0, a, data)
			nb := fastlzCompressLevel(1, b, data)
			require.Equal(t, b[:nb], a[:na])
		}
	})
}

func FuzzZlibDecompress(f *testing.F) {
	addCompressedSeeds(f, CompressZlib)
	f.Add([]byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}, uint16(16))
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		out := checkDecompress(t, data, int(limit)%(fuzzDecompressSize+1), func(dst, src []byte) int {
			return codecDecompress(CompressZlib, dst, src)
		})
		if len(out) == 0 {
			return
		}
		// Whatever zlib accepted, Go's compress/zlib decodes to the same
		// bytes (it may find more data than the limit let zlib keep, but
		// zlib only accepts a stream that ended within the limit).
		r, err := zlib.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		require.True(t, bytes.Equal(out, got), "Go's zlib decodes differently")
	})
}

func FuzzZstdDecompress(f *testing.F) {
	addCompressedSeeds(f, CompressZstd)
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01, 0x09, 0x00, 0x00, 0x61}, uint16(16))
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		out := checkDecompress(t, data, int(limit)%(fuzzDecompressSize+1), func(dst, src []byte) int {
			return codecDecompress(CompressZstd, dst, src)
		})
		if len(out) == 0 {
			return
		}
		packed := make([]byte, 2*len(out)+128)
		n := codecCompress(CompressZstd, DefaultZstdLevel, packed, out)
		require.Positive(t, n)
		back := make([]byte, len(out))
		require.Equal(t, len(out), codecDecompress(CompressZstd, back, packed[:n]))
		require.True(t, bytes.Equal(out, back))
	})
}
