package variant_test

import (
	"testing"

	"github.com/enetgo/enet/variant"
)

func benchValue() any {
	d := variant.NewDictionary()
	d.Set("pos", variant.Vector3{X: 1, Y: 2, Z: 3})
	d.Set("name", "player")
	d.Set("hp", 100)
	return []any{int64(7), "chat message", d, []byte("0123456789abcdef"), []float32{1, 2, 3}}
}

func BenchmarkMarshal(b *testing.B) {
	v := benchValue()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = variant.AppendMarshal(buf[:0], variant.Godot4, v)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	enc, err := variant.Marshal(variant.Godot4, benchValue())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := variant.Unmarshal(variant.Godot4, enc); err != nil {
			b.Fatal(err)
		}
	}
}
