package variant_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/enetgo/enet/variant"
)

func seedCorpus(f *testing.F, d variant.Dialect) {
	g := gen{r: rand.New(rand.NewPCG(7, uint64(d))), d: d}
	for range 60 {
		b, err := variant.Marshal(d, g.value(2))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, h := range []string{
		"", "00000000", "02000100 FFFFFFFF FFFFFF7F", "13000000 FFFFFF7F",
		"0F000000 01000080 00000000 02000000 01000000 61000000 01000000 62000000",
		"1C000100 02000000 01000000 02000000 01000000", "11000000 00000000",
		"11000100 00000000 00000000", "18000100 00000000 00000000", "03000100 00000000 0000F87F",
		"1B000900 02000000 11000000 456E636F 6465644F 626A6563 74417349 44000000 00000000",
	} {
		f.Add(unhex(f, h))
	}
}

// fuzzUnmarshal checks that decoding never panics, and that whatever decodes
// re-encodes and decodes to an equal value (equal meaning: the same
// canonical encoding, which also treats NaN as equal to itself).
func fuzzUnmarshal(f *testing.F, d variant.Dialect) {
	seedCorpus(f, d)
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n, err := variant.UnmarshalPrefix(d, b)
		if err != nil {
			return
		}
		if n > len(b) || n < 4 {
			t.Fatalf("used %d of %d bytes", n, len(b))
		}
		b2, err := variant.Marshal(d, v)
		if err != nil {
			t.Fatalf("decoded %#v does not marshal: %v", v, err)
		}
		v2, err := variant.Unmarshal(d, b2)
		if err != nil {
			t.Fatalf("re-encoding %x does not unmarshal: %v", b2, err)
		}
		b3, err := variant.Marshal(d, v2)
		if err != nil {
			t.Fatalf("second marshal: %v", err)
		}
		if !bytes.Equal(b2, b3) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", v, v2)
		}
	})
}

func FuzzUnmarshalGodot3(f *testing.F) { fuzzUnmarshal(f, variant.Godot3) }

func FuzzUnmarshalGodot4(f *testing.F) { fuzzUnmarshal(f, variant.Godot4) }
