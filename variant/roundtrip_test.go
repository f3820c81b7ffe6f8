package variant_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/variant"
)

// gen makes random values in the form Unmarshal returns them, so that a
// round trip must give back an equal value.
type gen struct {
	r *rand.Rand
	d variant.Dialect
}

func (g gen) real() float64 {
	switch g.r.IntN(4) {
	case 0:
		return float64(g.r.IntN(200) - 100)
	case 1:
		return float64(float32(g.r.NormFloat64() * 1e3))
	default:
		if g.d == variant.Godot3 {
			return float64(float32(g.r.NormFloat64()))
		}
		return g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(40)-20))
	}
}

func (g gen) f32() float32 { return float32(g.r.NormFloat64()) }
func (g gen) i32() int32   { return int32(g.r.Uint32()) }

func (g gen) str() string {
	const alphabet = "abcXYZ019 _/:.éü✓😀\t\n"
	runes := []rune(alphabet)
	var b strings.Builder
	for range g.r.IntN(12) {
		b.WriteRune(runes[g.r.IntN(len(runes))])
	}
	return b.String()
}

func (g gen) v2() variant.Vector2 { return variant.Vector2{X: g.real(), Y: g.real()} }
func (g gen) v3() variant.Vector3 { return variant.Vector3{X: g.real(), Y: g.real(), Z: g.real()} }
func (g gen) v4() variant.Vector4 {
	return variant.Vector4{X: g.real(), Y: g.real(), Z: g.real(), W: g.real()}
}
func (g gen) color() variant.Color {
	return variant.Color{R: g.f32(), G: g.f32(), B: g.f32(), A: g.f32()}
}

func (g gen) names() []string {
	var s []string
	for range g.r.IntN(3) {
		s = append(s, g.str())
	}
	return s
}

func (g gen) elemType() variant.ElementType {
	switch g.r.IntN(4) {
	case 0:
		return variant.ElementType{}
	case 1:
		return variant.ElementType{Builtin: variant.Type(1 + g.r.IntN(38))}
	case 2:
		return variant.ElementType{Builtin: variant.TypeObject, ClassName: "Node" + g.str()}
	default:
		return variant.ElementType{Builtin: variant.TypeObject, ScriptPath: "res://" + g.str()}
	}
}

func (g gen) value(depth int) any {
	n := 40
	if depth <= 0 {
		n = 35 // no containers
	}
	for {
		v, ok := g.pick(g.r.IntN(n), depth)
		if !ok {
			continue
		}
		if g.d == variant.Godot3 {
			if _, err := variant.Marshal(variant.Godot3, v); err != nil {
				continue // a Godot 4 only type
			}
		}
		return v
	}
}

func (g gen) pick(k, depth int) (any, bool) {
	switch k {
	case 0:
		return nil, true
	case 1:
		return g.r.IntN(2) == 1, true
	case 2:
		return int64(g.i32()), true
	case 3:
		return int64(g.r.Uint64()), true
	case 4:
		return g.real(), true
	case 5:
		return g.str(), true
	case 6:
		return variant.StringName(g.str()), true
	case 7:
		return variant.NodePath{Names: g.names(), SubNames: g.names(), Absolute: g.r.IntN(2) == 0}, true
	case 8:
		return g.v2(), true
	case 9:
		return variant.Vector2i{X: g.i32(), Y: g.i32()}, true
	case 10:
		return variant.Rect2{Position: g.v2(), Size: g.v2()}, true
	case 11:
		return variant.Rect2i{Position: variant.Vector2i{X: g.i32()}, Size: variant.Vector2i{Y: g.i32()}}, true
	case 12:
		return g.v3(), true
	case 13:
		return variant.Vector3i{X: g.i32(), Y: g.i32(), Z: g.i32()}, true
	case 14:
		return variant.Transform2D{X: g.v2(), Y: g.v2(), Origin: g.v2()}, true
	case 15:
		return g.v4(), true
	case 16:
		return variant.Vector4i{X: g.i32(), W: g.i32()}, true
	case 17:
		return variant.Plane{Normal: g.v3(), D: g.real()}, true
	case 18:
		return variant.Quaternion{X: g.real(), Y: g.real(), Z: g.real(), W: g.real()}, true
	case 19:
		return variant.AABB{Position: g.v3(), Size: g.v3()}, true
	case 20:
		return variant.Basis{Rows: [3]variant.Vector3{g.v3(), g.v3(), g.v3()}}, true
	case 21:
		return variant.Transform3D{Basis: variant.Basis{Rows: [3]variant.Vector3{g.v3(), g.v3(), g.v3()}}, Origin: g.v3()}, true
	case 22:
		return variant.Projection{Columns: [4]variant.Vector4{g.v4(), g.v4(), g.v4(), g.v4()}}, true
	case 23:
		return g.color(), true
	case 24:
		if g.d == variant.Godot3 {
			return variant.RID(0), true
		}
		return variant.RID(g.r.Uint64()), true
	case 25:
		return variant.ObjectID(1 + g.r.Uint64()>>1), true
	case 26:
		return variant.Callable{}, true
	case 27:
		return variant.Signal{Name: g.str(), Object: variant.ObjectID(g.r.Uint64())}, true
	case 28:
		b := make([]byte, g.r.IntN(9))
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
		return b, true
	case 29:
		s := make([]int32, g.r.IntN(5))
		for i := range s {
			s[i] = g.i32()
		}
		return s, true
	case 30:
		s := make([]int64, g.r.IntN(5))
		for i := range s {
			s[i] = int64(g.r.Uint64())
		}
		return s, true
	case 31:
		s := make([]float32, g.r.IntN(5))
		for i := range s {
			s[i] = g.f32()
		}
		return s, true
	case 32:
		s := make([]float64, g.r.IntN(5))
		for i := range s {
			s[i] = g.r.NormFloat64()
		}
		return s, true
	case 33:
		s := make([]string, g.r.IntN(5))
		for i := range s {
			s[i] = g.str()
		}
		return s, true
	case 34:
		switch g.r.IntN(4) {
		case 0:
			s := make([]variant.Vector2, g.r.IntN(4))
			for i := range s {
				s[i] = g.v2()
			}
			return s, true
		case 1:
			s := make([]variant.Vector3, g.r.IntN(4))
			for i := range s {
				s[i] = g.v3()
			}
			return s, true
		case 2:
			s := make([]variant.Vector4, g.r.IntN(4))
			for i := range s {
				s[i] = g.v4()
			}
			return s, true
		default:
			s := make([]variant.Color, g.r.IntN(4))
			for i := range s {
				s[i] = g.color()
			}
			return s, true
		}
	case 35, 36:
		a := make([]any, g.r.IntN(5))
		for i := range a {
			a[i] = g.value(depth - 1)
		}
		return a, true
	case 37:
		if g.d == variant.Godot3 {
			return nil, false
		}
		a := make([]any, g.r.IntN(4))
		for i := range a {
			a[i] = g.value(depth - 1)
		}
		t := g.elemType()
		if t.IsZero() {
			return a, true
		}
		return variant.TypedArray{Type: t, Values: a}, true
	default:
		d := variant.NewDictionary()
		if g.d == variant.Godot4 && g.r.IntN(3) == 0 {
			d.KeyType, d.ValueType = g.elemType(), g.elemType()
		}
		for range g.r.IntN(5) {
			d.Set(g.value(depth-1), g.value(depth-1))
		}
		return d, true
	}
}

func TestRoundTripRandom(t *testing.T) {
	for _, d := range []variant.Dialect{variant.Godot3, variant.Godot4} {
		t.Run(d.String(), func(t *testing.T) {
			g := gen{r: rand.New(rand.NewPCG(1, uint64(d))), d: d}
			for i := range 3000 {
				v := g.value(4)
				b, err := variant.Marshal(d, v)
				require.NoError(t, err, "case %d: %#v", i, v)
				require.Zero(t, len(b)%4, "case %d: length %d", i, len(b))
				back, err := variant.Unmarshal(d, b)
				require.NoError(t, err, "case %d: %#v", i, v)
				if !assert.Equal(t, v, back, "case %d", i) {
					return
				}
				// Every proper prefix is truncated input.
				if len(b) > 4 {
					cut := 4 * (1 + g.r.IntN(len(b)/4-1))
					_, err = variant.Unmarshal(d, b[:cut])
					if err != nil {
						assert.ErrorIs(t, err, variant.ErrTruncated, "case %d cut at %d", i, cut)
					}
				}
			}
		})
	}
}
