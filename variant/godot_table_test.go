package variant_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/variant"
)

// tableCase is one entry of a variant table shared by a GDScript program
// (testdata/godot*/variant_table.gd) and its Go test. The GDScript side has
// the same names: cases() for values Godot encodes, decode_only() for values
// only Go sends.
type tableCase struct {
	name string
	// value is the Go form of Godot's value: Godot's var_to_bytes must
	// unmarshal to it and it must marshal to the same bytes. Unless
	// godotOnly, Go also sends Marshal(value) to Godot.
	value any
	// fromVal builds value from the number Godot prints on its "VAL name n"
	// line (instance ids differ from run to run).
	fromVal func(n int64) any
	// goOnly: Godot encodes nothing for this name (decode_only() in the
	// script); Go only sends it.
	goOnly bool
	// godotOnly: Go does not send this name back.
	godotOnly bool
	// noReenc: Godot's var_to_bytes of what it decoded is expected to
	// differ from what Go sent (the reason is in a comment on the case);
	// if godotWrites is set, it is the hex Godot must write instead.
	noReenc     bool
	godotWrites string
	// raw, if set, is the hex Go sends instead of Marshal(value); Unmarshal
	// of raw must still give value, or fail with goErr if that is set.
	raw   string
	goErr error
}

// runVariantTable runs script once with engine e: Godot prints its
// encodings of every case and decodes (and re-encodes) every encoding Go
// wrote for it. It then checks both directions case by case.
func runVariantTable(t *testing.T, e *godottest.Engine, d variant.Dialect, script string, cases []tableCase) {
	t.Helper()
	e.Require(t)

	var in strings.Builder
	for _, c := range cases {
		if c.godotOnly {
			continue
		}
		h := c.raw
		if h == "" {
			b, err := variant.Marshal(d, c.value)
			require.NoError(t, err, c.name)
			h = hex.EncodeToString(b)
		}
		fmt.Fprintf(&in, "%s %s\n", c.name, h)
	}
	inPath := engineFile(t, e, "go_encodings.txt", in.String())

	out, runErr := e.Start(t, script, "in="+inPath).Wait()
	enc := map[string][]byte{}
	vals := map[string]int64{}
	dec := map[string]string{}
	reenc := map[string][]byte{}
	var full []byte
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "ENC":
			b, err := hex.DecodeString(f[2])
			require.NoError(t, err, line)
			enc[f[1]] = b
		case len(f) == 3 && f[0] == "VAL":
			n, err := strconv.ParseInt(f[2], 10, 64)
			require.NoError(t, err, line)
			vals[f[1]] = n
		case len(f) == 2 && f[0] == "FULL":
			b, err := hex.DecodeString(f[1])
			require.NoError(t, err, line)
			full = b
		case len(f) == 3 && f[0] == "REENC":
			b, err := hex.DecodeString(f[2])
			require.NoError(t, err, line)
			reenc[f[1]] = b
		case len(f) >= 3 && f[0] == "DEC":
			dec[f[1]] = strings.Join(f[2:], " ")
		}
	}
	if runErr != nil || !godottest.HasLine(out, "PASS") {
		t.Errorf("%s did not pass (%v):\n%s", e.Name, runErr, out)
	}

	encoded := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !c.goOnly {
				encoded++
				checkGodotEncoding(t, d, c, enc, vals)
			}
			if c.raw != "" {
				v, err := variant.Unmarshal(d, unhex(t, c.raw))
				if c.goErr != nil {
					require.ErrorIs(t, err, c.goErr)
				} else {
					require.NoError(t, err)
					assertSame(t, c.value, v, "Unmarshal of the raw bytes Go sends")
				}
			}
			if !c.godotOnly {
				assert.Equal(t, "PASS", dec[c.name], "%s's bytes_to_var of our encoding", e.Name)
				checkReencoding(t, d, c, reenc)
			}
		})
	}
	assert.Len(t, enc, encoded, "the Godot and Go case tables differ")
	t.Run("full_object", func(t *testing.T) {
		require.NotEmpty(t, full, "godot printed no FULL line")
		_, err := variant.Unmarshal(d, full)
		assert.ErrorIs(t, err, variant.ErrUnauthorized, "an object encoded with full objects")
	})
}

// checkReencoding checks that Godot's var_to_bytes of what it decoded from
// Go's bytes gives those bytes back, unless c says it does not.
func checkReencoding(t *testing.T, d variant.Dialect, c tableCase, reenc map[string][]byte) {
	t.Helper()
	back, ok := reenc[c.name]
	if !assert.True(t, ok, "godot printed no REENC line") {
		return
	}
	if c.noReenc {
		if c.godotWrites != "" {
			assert.Equal(t, c.godotWrites, hex.EncodeToString(back), "Godot's re-encoding of our bytes")
		}
		return
	}
	var sent []byte
	if c.raw != "" {
		sent = unhex(t, c.raw)
	} else {
		var err error
		sent, err = variant.Marshal(d, c.value)
		require.NoError(t, err)
	}
	if _, isPath := c.value.(variant.NodePath); isPath && d == variant.Godot3 {
		back = zeroNodePathPadding(t, back)
	}
	assert.Equal(t, hex.EncodeToString(sent), hex.EncodeToString(back), "Godot's re-encoding of our bytes")
}

// zeroNodePathPadding returns a copy of a NODE_PATH encoding with the
// padding after each name zeroed: Godot 3 does not initialise it.
func zeroNodePathPadding(t *testing.T, b []byte) []byte {
	t.Helper()
	b = append([]byte(nil), b...)
	require.GreaterOrEqual(t, len(b), 16)
	le := func(i int) int { return int(b[i]) | int(b[i+1])<<8 | int(b[i+2])<<16 | int(b[i+3])<<24 }
	total := le(4)&0x7FFFFFFF + le(8)
	off := 16
	for range total {
		require.GreaterOrEqual(t, len(b), off+4)
		n := le(off)
		off += 4 + n
		for off%4 != 0 {
			require.Greater(t, len(b), off)
			b[off] = 0
			off++
		}
	}
	require.Equal(t, len(b), off)
	return b
}

// checkGodotEncoding checks Godot's encoding of c: it unmarshals to c's
// value, and both that value and the decoded one marshal to Godot's bytes.
func checkGodotEncoding(t *testing.T, d variant.Dialect, c tableCase, enc map[string][]byte, vals map[string]int64) {
	t.Helper()
	godot, ok := enc[c.name]
	require.True(t, ok, "godot printed no ENC line")
	want := c.value
	if c.fromVal != nil {
		n, ok := vals[c.name]
		require.True(t, ok, "godot printed no VAL line")
		want = c.fromVal(n)
	}
	if _, isPath := want.(variant.NodePath); isPath && d == variant.Godot3 {
		// Godot 3 leaves the padding after NodePath names uninitialised.
		zeroed := zeroNodePathPadding(t, godot)
		if !bytes.Equal(zeroed, godot) {
			t.Logf("non-zero NodePath padding from Godot: %x", godot)
		}
		godot = zeroed
	}
	got, err := variant.Unmarshal(d, godot)
	require.NoError(t, err, "Unmarshal of var_to_bytes %x", godot)
	assertSame(t, want, got, "Unmarshal of var_to_bytes")

	mine, err := variant.Marshal(d, want)
	require.NoError(t, err)
	assert.Equal(t, hex.EncodeToString(godot), hex.EncodeToString(mine), "Marshal differs from var_to_bytes")
	again, err := variant.Marshal(d, got)
	require.NoError(t, err)
	assert.Equal(t, hex.EncodeToString(godot), hex.EncodeToString(again), "Marshal of the decoded value differs")
}

// engineFile writes content to a new file that engine e can read and
// returns its path as e sees it: inside the sid root for the chroot
// engines.
func engineFile(t *testing.T, e *godottest.Engine, name, content string) string {
	t.Helper()
	if !e.InRoot {
		p := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	inRoot := "/tmp/enetgo-variant-" + hex.EncodeToString(b[:])
	host := filepath.Join(godottest.Root(), inRoot)
	require.NoError(t, os.MkdirAll(host, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(host) })
	require.NoError(t, os.WriteFile(filepath.Join(host, name), []byte(content), 0o644))
	return inRoot + "/" + name
}

// assertSame checks that got equals want as a Godot value: same Go types,
// floats equal bit for bit except that any NaN equals any NaN, dictionaries
// equal in order and element types.
func assertSame(t *testing.T, want, got any, msg string) {
	t.Helper()
	if !sameValue(reflect.ValueOf(want), reflect.ValueOf(got)) {
		t.Errorf("%s:\nwant %#v\n got %#v", msg, show(want), show(got))
	}
}

// show makes dictionaries printable for failure messages.
func show(v any) any {
	switch v := v.(type) {
	case *variant.Dictionary:
		return fmt.Sprintf("Dictionary[%v,%v]%v", v.KeyType, v.ValueType, v)
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = show(x)
		}
		return s
	}
	return v
}

var dictType = reflect.TypeFor[*variant.Dictionary]()

func sameValue(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	if a.Type() == dictType {
		da, db := a.Interface().(*variant.Dictionary), b.Interface().(*variant.Dictionary)
		return da.KeyType == db.KeyType && da.ValueType == db.ValueType &&
			sameValue(reflect.ValueOf(da.Keys()), reflect.ValueOf(db.Keys())) &&
			sameValue(reflect.ValueOf(da.Values()), reflect.ValueOf(db.Values()))
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return math.Float64bits(x) == math.Float64bits(y)
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	default:
		return a.Equal(b)
	}
}

// godotNaN is the NaN GDScript's NAN holds, with the bits Godot writes.
var godotNaN = math.Float64frombits(0x7FF8000000000000)

// hexOf returns the hex of Marshal(d, v), for tableCase.godotWrites.
func hexOf(d variant.Dialect, v any) string {
	b, err := variant.Marshal(d, v)
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// nestedArrays returns n arrays nested in each other around nil, and the
// hex of its encoding in dialect d.
func nestedArrays(d variant.Dialect, n int) (any, string) {
	var v any
	for range n {
		v = []any{v}
	}
	id := "1c000000"
	if d == variant.Godot3 {
		id = "13000000"
	}
	return v, strings.Repeat(id+"01000000", n) + "00000000"
}
