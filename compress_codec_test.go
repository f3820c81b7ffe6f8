package enet

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/godottest"
)

// codecModes are the modes implemented by the cenet compressors.
var codecModes = []CompressionMode{CompressFastLZ, CompressZlib, CompressZstd}

// defaultCodecLevel is the level Godot uses for mode by default.
func defaultCodecLevel(mode CompressionMode) int {
	switch mode {
	case CompressZlib:
		return DefaultZlibLevel
	case CompressZstd:
		return DefaultZstdLevel
	}
	return 0
}

// assertSameBytes is assert.Equal for long byte slices: on a mismatch it
// reports the lengths and the first differing offset, not a full dump.
func assertSameBytes(t *testing.T, want, got []byte, msgAndArgs ...any) bool {
	t.Helper()
	if bytes.Equal(want, got) {
		return true
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	return assert.Fail(t, fmt.Sprintf("bytes differ: want %d bytes, got %d, first difference at offset %d", len(want), len(got), i), msgAndArgs...)
}

// codecInput is one named test input.
type codecInput struct {
	name string
	data []byte
}

// randomBytes returns n bytes from a fixed-seed generator.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x656e6574))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// enetLikeDatagram returns n bytes shaped like an ENet datagram body: a run
// of commands, each a 4-byte command header, a few small big-endian fields
// and a payload of game-state-like data (small numbers, repeated floats,
// some noise).
func enetLikeDatagram(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, 0, n+64)
	seq := uint16(r.Uint32())
	for len(b) < n {
		seq++
		b = append(b, 0x86, byte(r.IntN(3)), byte(seq>>8), byte(seq)) // SEND_RELIABLE, channel, seq
		payload := 24 + r.IntN(96)
		b = binary.BigEndian.AppendUint16(b, uint16(payload))
		// A Godot 3 NetworkedMultiplayerENet header, then a variant-encoded
		// position update.
		b = binary.LittleEndian.AppendUint32(b, 1)
		b = binary.LittleEndian.AppendUint32(b, 0)
		for p := 0; p < payload; p += 4 {
			switch r.IntN(4) {
			case 0:
				b = binary.LittleEndian.AppendUint32(b, 3) // FLOAT header
			case 1:
				b = binary.LittleEndian.AppendUint32(b, uint32(r.IntN(16)))
			case 2:
				b = binary.LittleEndian.AppendUint32(b, 0x42c80000) // 100.0
			default:
				b = binary.LittleEndian.AppendUint32(b, r.Uint32())
			}
		}
	}
	return b[:n]
}

// repeatAt returns a random block of n bytes followed by a copy of it, so
// that the copy matches at distance exactly n.
func repeatAt(seed uint64, n int) []byte {
	b := randomBytes(seed, n)
	return append(b, b[:min(n, 300)]...)
}

// structuredBytes returns n bytes built from random pieces an LZ encoder
// cares about: fresh literals, copies from earlier at distances around the
// FastLZ limits (8191/8192, 65535+8191), and long runs of one byte.
func structuredBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	distances := []int{1, 2, 3, 7, 64, 300, 8190, 8191, 8192, 8193, 9000, 40000, 73723, 73724, 73725, 73726}
	b := make([]byte, 0, n+1100)
	for len(b) < n {
		switch r.IntN(4) {
		case 0:
			for k := 1 + r.IntN(40); k > 0; k-- {
				b = append(b, byte(r.Uint32()))
			}
		case 1:
			b = append(b, bytes.Repeat([]byte{byte(r.IntN(3))}, 1+r.IntN(1000))...)
		default:
			d := distances[r.IntN(len(distances))]
			if d > len(b) {
				d = 1 + r.IntN(len(b)+1)
			}
			if d > len(b) {
				b = append(b, byte(r.Uint32()))
				continue
			}
			for k, start := 3+r.IntN(600), len(b)-d; k > 0; k-- {
				b = append(b, b[start])
				start++
			}
		}
	}
	return b[:n]
}

// codecInputs is the shared table of inputs for round trips and Godot
// interop.
func codecInputs() []codecInput {
	text := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog. "), 30)
	mixedLarge := make([]byte, 0, 200000)
	for i := 0; len(mixedLarge) < 200000; i++ {
		// Blocks that recur at growing distances exercise level 2's
		// near and far matches.
		mixedLarge = append(mixedLarge, randomBytes(uint64(i%7), 3000+i*50)...)
		mixedLarge = append(mixedLarge, enetLikeDatagram(uint64(i), 900)...)
	}
	mixedLarge = mixedLarge[:200000]
	farRepeat := randomBytes(42, 70000)
	copy(farRepeat[66000:], farRepeat[100:4100]) // distance 65900: level 2 far match
	copy(farRepeat[30000:], farRepeat[20000:20400])

	inputs := []codecInput{
		{"empty", nil},
		{"1byte", []byte{0x42}},
		{"3bytes", []byte{1, 2, 3}},
		{"4bytes", []byte{1, 1, 1, 1}},
		{"15bytes", []byte("fifteen bytes!!")},
		{"16bytes", bytes.Repeat([]byte{7}, 16)},
		{"17bytes", []byte("seventeen bytes!!")},
		{"zeros64", make([]byte, 64)},
		{"zeros4096", make([]byte, 4096)},
		{"abc1000", bytes.Repeat([]byte("abc"), 1000)},
		{"text", text},
		{"random1200", randomBytes(1, 1200)},
		{"random4096", randomBytes(2, 4096)},
		{"enet1392", enetLikeDatagram(3, 1392)},
		{"enet4096", enetLikeDatagram(4, 4096)},
		{"enet1200", enetLikeDatagram(5, 1200)},
		{"dist8191", repeatAt(6, 8191)},
		{"dist8192", repeatAt(7, 8192)},
		{"dist8193", repeatAt(8, 8193)},
		{"longrun", append(append(randomBytes(9, 100), make([]byte, 5000)...), randomBytes(10, 100)...)},
		{"level2-zeros65536", make([]byte, 65536)},
		{"level2-far70000", farRepeat},
		{"level2-mixed200000", mixedLarge},
		{"level2-enet100000", bytes.Repeat(enetLikeDatagram(11, 2000), 50)},
	}
	// A match starting exactly 13 bytes before the end (not taken by
	// Godot's encoder) and 14 bytes before it (taken).
	for _, n := range []int{28, 29, 40, 1000} {
		for _, tail := range []int{13, 14} {
			b := randomBytes(uint64(n), n-tail)
			inputs = append(inputs, codecInput{fmt.Sprintf("tail%d-%d", tail, n), append(b, b[:tail]...)})
		}
	}
	for i, n := range []int{17, 20, 33, 64, 100, 300, 700, 1200, 1392, 2000, 4096, 4096, 9000, 20000, 65535, 65536, 80000, 150000} {
		inputs = append(inputs, codecInput{fmt.Sprintf("structured%d-%d", i, n), structuredBytes(uint64(i), n)})
	}
	return inputs
}

// codecRoundTrip compresses src with mode at level and decompresses it
// again, returning the compressed bytes and the decompressed bytes (which
// for FastLZ include Godot's zero padding to 16 bytes).
func codecRoundTrip(t *testing.T, mode CompressionMode, level int, src []byte) (packed, unpacked []byte) {
	t.Helper()
	dst := make([]byte, 2*len(src)+128)
	n := codecCompress(mode, level, dst, src)
	require.Positive(t, n, "compress")
	packed = dst[:n]
	size := len(src)
	if mode == CompressFastLZ && size < 16 {
		size = 16
	}
	out := make([]byte, size+16)
	m := codecDecompress(mode, out, packed)
	return packed, out[:m]
}

func TestCodecRoundTrip(t *testing.T) {
	for _, mode := range codecModes {
		for _, in := range codecInputs() {
			t.Run(fmt.Sprintf("%v/%s", mode, in.name), func(t *testing.T) {
				_, got := codecRoundTrip(t, mode, defaultCodecLevel(mode), in.data)
				switch {
				case mode == CompressFastLZ && len(in.data) < 16:
					want := make([]byte, 16)
					copy(want, in.data)
					assertSameBytes(t, want, got, "padded to 16 bytes")
				case len(in.data) == 0:
					// zlib and zstd decode an empty payload to
					// length 0, which the API reports as failure.
					assert.Empty(t, got)
				default:
					assertSameBytes(t, in.data, got)
				}
			})
		}
	}
}

func TestCodecLevels(t *testing.T) {
	src := enetLikeDatagram(12, 1200)
	dst := make([]byte, 4096)
	out := make([]byte, len(src))
	for _, tc := range []struct {
		mode   CompressionMode
		levels []int
		bad    []int
	}{
		{CompressZlib, []int{-1, 0, 1, 5, 9}, []int{-2, 10}},
		{CompressZstd, []int{1, 3, 19, 22}, []int{0, -1, 23}},
	} {
		for _, level := range tc.levels {
			n := codecCompress(tc.mode, level, dst, src)
			require.Positive(t, n, "%v level %d", tc.mode, level)
			assert.Equal(t, len(src), codecDecompress(tc.mode, out, dst[:n]), "%v level %d", tc.mode, level)
			assertSameBytes(t, src, out, "%v level %d", tc.mode, level)
		}
		for _, level := range tc.bad {
			assert.Zero(t, codecCompress(tc.mode, level, dst, src), "%v level %d", tc.mode, level)
		}
	}
	for _, mode := range []CompressionMode{CompressNone, CompressRangeCoder, 5, -1} {
		assert.Zero(t, codecCompress(mode, 0, dst, src), "mode %d", mode)
		assert.Zero(t, codecDecompress(mode, out, src), "mode %d", mode)
	}
}

// TestCodecOutLimit checks the callback rule of Godot's compressor: a result
// longer than the output limit is reported as 0, one that fits exactly is
// kept.
func TestCodecOutLimit(t *testing.T) {
	for _, mode := range codecModes {
		for _, in := range []codecInput{{"enet1392", enetLikeDatagram(13, 1392)}, {"random1200", randomBytes(14, 1200)}} {
			big := make([]byte, 4*len(in.data)+128)
			n := codecCompress(mode, defaultCodecLevel(mode), big, in.data)
			require.Positive(t, n)
			exact := make([]byte, n)
			assert.Equal(t, n, codecCompress(mode, defaultCodecLevel(mode), exact, in.data), "%v %s exact fit", mode, in.name)
			assertSameBytes(t, big[:n], exact, "%v %s exact fit", mode, in.name)
			assert.Zero(t, codecCompress(mode, defaultCodecLevel(mode), make([]byte, n-1), in.data), "%v %s one short", mode, in.name)
			out := make([]byte, len(in.data)-1)
			assert.Zero(t, codecDecompress(mode, out, big[:n]), "%v %s decompress one short", mode, in.name)
		}
	}
}

func TestFastLZLevels(t *testing.T) {
	for _, level := range []int{1, 2} {
		for _, in := range codecInputs() {
			if len(in.data) == 0 {
				continue
			}
			t.Run(fmt.Sprintf("level%d/%s", level, in.name), func(t *testing.T) {
				dst := make([]byte, len(in.data)+len(in.data)/16+66)
				n := fastlzCompressLevel(level, dst, in.data)
				require.Positive(t, n)
				if len(in.data) >= 4 {
					assert.Equal(t, byte(level-1), dst[0]>>5, "level bits")
				}
				out := make([]byte, len(in.data))
				assert.Equal(t, len(in.data), fastlzDecompress(out, dst[:n]))
				assertSameBytes(t, in.data, out)
			})
		}
	}
	assert.Zero(t, fastlzCompressLevel(3, make([]byte, 100), []byte("hello")))
	assert.Zero(t, fastlzCompressLevel(1, make([]byte, 100), nil))
}

// TestFastLZWorstCase checks the encoder never needs more than the 3%
// literal-run overhead and fails cleanly with a smaller buffer.
func TestFastLZWorstCase(t *testing.T) {
	src := randomBytes(15, 100000)
	for _, level := range []int{1, 2} {
		dst := make([]byte, len(src)+len(src)/32+1)
		n := fastlzCompressLevel(level, dst, src)
		require.Positive(t, n, "level %d", level)
		for _, short := range []int{0, 1, n - 1, n / 2} {
			assert.Zero(t, fastlzCompressLevel(level, make([]byte, short), src), "level %d limit %d", level, short)
		}
	}
}

func TestFastLZDecompressRejects(t *testing.T) {
	valid := make([]byte, 64)
	n := fastlzCompressLevel(1, valid, bytes.Repeat([]byte("abcdefgh"), 5))
	require.Positive(t, n)
	valid = valid[:n]

	for _, tc := range []struct {
		name  string
		in    []byte
		limit int
	}{
		{"empty", nil, 100},
		{"level 3 bits", []byte{0x40, 'a'}, 100},
		{"level 8 bits", []byte{0xe0, 'a'}, 100},
		{"literal run truncated", []byte{0x04, 'a', 'b'}, 100},
		{"literal over limit", []byte{0x04, 'a', 'b', 'c', 'd', 'e'}, 4},
		{"match before start", []byte{0x00, 'a', 0x20, 0x05}, 100},
		{"match far before start", []byte{0x00, 'a', 0x3f, 0xff}, 100},
		{"match distance byte missing", []byte{0x00, 'a', 0x20}, 100},
		{"level 1 length byte missing", []byte{0x00, 'a', 0xe0}, 100},
		{"level 1 match over limit", []byte{0x00, 'a', 0xe0, 0xff, 0x00}, 100},
		{"level 2 length run unterminated", []byte{0x20, 'a', 0xe0, 0xff, 0xff}, 100000},
		{"level 2 far distance missing", []byte{0x20, 'a', 0x3f, 0xff, 0x00}, 100},
		{"level 2 far before start", []byte{0x20, 'a', 0x3f, 0xff, 0x00, 0x00}, 100000},
		{"truncated valid", valid[:len(valid)-1], 100},
		{"valid over limit", valid, 39},
		{"zero limit", valid, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := make([]byte, tc.limit)
			assert.Zero(t, fastlzDecompress(out, tc.in))
		})
	}
	// Control: the valid block decodes, and a level 2 run of one byte works.
	out := make([]byte, 40)
	assert.Equal(t, 40, fastlzDecompress(out, valid))
	assert.Equal(t, 12, fastlzDecompress(out, []byte{0x20, 'a', 0xe0, 0x02, 0x00}))
	assert.Equal(t, bytes.Repeat([]byte("a"), 12), out[:12])
}

// TestZlibInteropWithGoZlib checks our zlib streams against Go's
// compress/zlib in both directions. They are not byte-identical: Go's deflate
// finds matches differently from C zlib (and ends with an empty sync block),
// so only the RFC 1950 header agrees. Byte identity with Godot, which uses C
// zlib, is checked by TestCodecGodotInterop.
func TestZlibInteropWithGoZlib(t *testing.T) {
	for _, level := range []int{-1, 1, 9} {
		for _, in := range codecInputs() {
			t.Run(fmt.Sprintf("level%d/%s", level, in.name), func(t *testing.T) {
				ours, _ := codecRoundTrip(t, CompressZlib, level, in.data)

				// Go's compress/zlib reads ours...
				r, err := zlib.NewReader(bytes.NewReader(ours))
				require.NoError(t, err)
				got, err := io.ReadAll(r)
				require.NoError(t, err)
				assert.Equal(t, len(in.data), len(got))
				assertSameBytes(t, in.data, got)

				// ...and we read Go's.
				var buf bytes.Buffer
				w, err := zlib.NewWriterLevel(&buf, level)
				require.NoError(t, err)
				_, err = w.Write(in.data)
				require.NoError(t, err)
				require.NoError(t, w.Close())
				if len(in.data) > 0 {
					out := make([]byte, len(in.data))
					assert.Equal(t, len(in.data), codecDecompress(CompressZlib, out, buf.Bytes()))
					assertSameBytes(t, in.data, out)
				}
				assert.Equal(t, buf.Bytes()[:2], ours[:2], "zlib header")
			})
		}
	}
}

// TestZstdCLI checks our frames against the reference zstd command-line tool
// in both directions.
func TestZstdCLI(t *testing.T) {
	zstdPath, err := exec.LookPath("zstd")
	if err != nil {
		t.Skip("zstd command not installed")
	}
	dir := t.TempDir()
	for _, in := range codecInputs() {
		if len(in.data) == 0 {
			continue
		}
		t.Run(in.name, func(t *testing.T) {
			ours, _ := codecRoundTrip(t, CompressZstd, DefaultZstdLevel, in.data)
			file := filepath.Join(dir, in.name+".zst")
			require.NoError(t, os.WriteFile(file, ours, 0o600))
			got, err := exec.Command(zstdPath, "-q", "-d", "-c", file).Output()
			require.NoError(t, err)
			assertSameBytes(t, in.data, got, "zstd -d of our frame")

			raw := filepath.Join(dir, in.name)
			require.NoError(t, os.WriteFile(raw, in.data, 0o600))
			theirs, err := exec.Command(zstdPath, "-q", "-3", "-c", raw).Output()
			require.NoError(t, err)
			out := make([]byte, len(in.data))
			assert.Equal(t, len(in.data), codecDecompress(CompressZstd, out, theirs))
			assertSameBytes(t, in.data, out, "our decode of zstd -3")
		})
	}
}

// TestCodecGodotInterop runs every input through Godot 3.2.3's own codecs in
// one Godot run: our FastLZ and zlib output must equal Godot's byte for byte,
// zstd must equal it or at least decode both ways, and Godot must decode all
// of our outputs.
func TestCodecGodotInterop(t *testing.T) {
	godottest.Require(t)
	inputs := codecInputs()
	ours := make([][3][]byte, len(inputs))

	var req bytes.Buffer
	put := func(b []byte) {
		req.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
		req.Write(b)
	}
	put32 := func(v int) { req.Write(binary.LittleEndian.AppendUint32(nil, uint32(v))) }
	put32(len(inputs))
	for i, in := range inputs {
		put(in.data)
		for m, mode := range codecModes {
			ours[i][m], _ = codecRoundTrip(t, mode, defaultCodecLevel(mode), in.data)
			put(ours[i][m])
		}
	}
	dir := t.TempDir()
	inFile, outFile := filepath.Join(dir, "in.bin"), filepath.Join(dir, "out.bin")
	require.NoError(t, os.WriteFile(inFile, req.Bytes(), 0o600))
	output := godottest.Run(t, "testdata/godot3/compress_codec.gd", "in="+inFile, "out="+outFile)
	require.True(t, godottest.HasLine(output, fmt.Sprintf("CASES %d", len(inputs))), output)

	resp, err := os.ReadFile(outFile)
	require.NoError(t, err)
	next := func() []byte {
		require.GreaterOrEqual(t, len(resp), 4, "short Godot output")
		n := int(binary.LittleEndian.Uint32(resp))
		require.GreaterOrEqual(t, len(resp), 4+n, "short Godot output")
		b := resp[4 : 4+n]
		resp = resp[4+n:]
		return b
	}
	for i, in := range inputs {
		for m, mode := range codecModes {
			theirs := next()
			name := fmt.Sprintf("%s/%v", in.name, mode)
			if len(in.data) == 0 {
				// Godot's PoolByteArray.compress returns nothing for
				// an empty array.
				assert.Empty(t, theirs, name)
				continue
			}
			if mode == CompressZstd && !bytes.Equal(ours[i][m], theirs) {
				// Different zstd builds may pick different blocks;
				// each side must still decode the other.
				out := make([]byte, len(in.data))
				assert.Equal(t, len(in.data), codecDecompress(mode, out, theirs), name)
				assertSameBytes(t, in.data, out, name)
				t.Logf("%s: zstd frames differ (ours %d bytes, Godot's %d)", name, len(ours[i][m]), len(theirs))
				continue
			}
			assertSameBytes(t, ours[i][m], theirs, "%s: ours %d bytes %x..., Godot's %d bytes %x...",
				name, len(ours[i][m]), ours[i][m][:min(16, len(ours[i][m]))], len(theirs), theirs[:min(16, len(theirs))])
		}
	}
	assert.Empty(t, resp, "trailing Godot output")
}

// benchDatagram is a realistic 1200-byte ENet datagram body.
var benchDatagram = enetLikeDatagram(99, 1200)

func BenchmarkCodecCompress(b *testing.B) {
	for _, mode := range codecModes {
		b.Run(mode.String(), func(b *testing.B) {
			dst := make([]byte, 2*len(benchDatagram))
			b.SetBytes(int64(len(benchDatagram)))
			b.ReportAllocs()
			for b.Loop() {
				if codecCompress(mode, defaultCodecLevel(mode), dst, benchDatagram) == 0 {
					b.Fatal("compress failed")
				}
			}
		})
	}
}

func BenchmarkCodecDecompress(b *testing.B) {
	for _, mode := range codecModes {
		b.Run(mode.String(), func(b *testing.B) {
			packed := make([]byte, 2*len(benchDatagram))
			n := codecCompress(mode, defaultCodecLevel(mode), packed, benchDatagram)
			if n == 0 {
				b.Fatal("compress failed")
			}
			packed = packed[:n]
			dst := make([]byte, 4096)
			b.SetBytes(int64(len(benchDatagram)))
			b.ReportAllocs()
			for b.Loop() {
				if codecDecompress(mode, dst, packed) != len(benchDatagram) {
					b.Fatal("decompress failed")
				}
			}
		})
	}
}
