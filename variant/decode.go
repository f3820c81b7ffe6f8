package variant

import (
	"bytes"
	"encoding/binary"
	"math"
	"unicode/utf8"
)

// Unmarshal decodes one value in dialect d, as Godot's bytes2var /
// PacketPeer.get_var (with objects not allowed) would, and fails with
// ErrInvalidData if bytes are left over. The package documentation lists the
// Go types it returns.
func Unmarshal(d Dialect, b []byte) (any, error) {
	v, n, err := UnmarshalPrefix(d, b)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, &Error{Op: "unmarshal", Dialect: d, Offset: n, Err: errf(ErrInvalidData, "%d trailing bytes", len(b)-n)}
	}
	return v, nil
}

// UnmarshalPrefix decodes one value from the start of b and returns it with
// the number of bytes it used; the rest of b is ignored.
func UnmarshalPrefix(d Dialect, b []byte) (v any, n int, err error) {
	if !d.valid() {
		return nil, 0, &Error{Op: "unmarshal", Dialect: d, Offset: 0, Err: errf(ErrUnsupported, "unknown dialect")}
	}
	dec := decoder{d: d, b: b}
	v, err = dec.value(0)
	if err != nil {
		return nil, 0, &Error{Op: "unmarshal", Dialect: d, Offset: dec.off, Err: err}
	}
	return v, dec.off, nil
}

type decoder struct {
	d   Dialect
	b   []byte
	off int
}

func (r *decoder) left() int { return len(r.b) - r.off }

func (r *decoder) need(n int) error {
	if n < 0 || r.left() < n {
		return errf(ErrTruncated, "need %d bytes, have %d", n, r.left())
	}
	return nil
}

func (r *decoder) u32() (uint32, error) {
	if err := r.need(4); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

// u32n reads u32 values known to be present.
func (r *decoder) u32n() uint32 {
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *decoder) u64n() uint64 {
	v := binary.LittleEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v
}

func (r *decoder) u64() (uint64, error) {
	if err := r.need(8); err != nil {
		return 0, err
	}
	return r.u64n(), nil
}

// count reads an element count and checks that count elements of at least
// minSize bytes each fit in the rest of the input, so that no allocation is
// larger than the input justifies.
func (r *decoder) count(minSize int, mask uint32) (int, error) {
	c, err := r.u32()
	if err != nil {
		return 0, err
	}
	c &= mask
	if c > math.MaxInt32 {
		return 0, errf(ErrInvalidData, "negative count %d", int32(c))
	}
	if uint64(c)*uint64(minSize) > uint64(r.left()) {
		return 0, errf(ErrTruncated, "%d elements of %d bytes, %d bytes left", c, minSize, r.left())
	}
	return int(c), nil
}

// str reads a length-prefixed padded string. Like Godot, it stops at the
// first NUL byte.
func (r *decoder) str() (string, error) {
	n, err := r.count(1, 0xFFFFFFFF)
	if err != nil {
		return "", err
	}
	padded := n + (4-n%4)%4
	if err := r.need(padded); err != nil {
		return "", err
	}
	raw := r.b[r.off : r.off+n]
	r.off += padded
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	if !utf8.Valid(raw) {
		return "", errf(ErrInvalidData, "string is not valid UTF-8")
	}
	return string(raw), nil
}

// reals reads n math-type components, float64 if the 64 flag is set (Godot
// 4 only; Godot 3 ignores the flag) else float32.
func (r *decoder) reals(header uint32, n int) ([]float64, error) {
	wide := r.d == Godot4 && header&flag64 != 0
	size := 4
	if wide {
		size = 8
	}
	if err := r.need(n * size); err != nil {
		return nil, err
	}
	fs := make([]float64, n)
	for i := range fs {
		if wide {
			fs[i] = math.Float64frombits(r.u64n())
		} else {
			fs[i] = float64(math.Float32frombits(r.u32n()))
		}
	}
	return fs, nil
}

func (r *decoder) ints(n int) ([]int32, error) {
	if err := r.need(4 * n); err != nil {
		return nil, err
	}
	is := make([]int32, n)
	for i := range is {
		is[i] = int32(r.u32n())
	}
	return is, nil
}

func (r *decoder) color() Color {
	return Color{
		R: math.Float32frombits(r.u32n()), G: math.Float32frombits(r.u32n()),
		B: math.Float32frombits(r.u32n()), A: math.Float32frombits(r.u32n()),
	}
}

// elemType reads Godot 4 typed-container data of the given kind.
func (r *decoder) elemType(kind uint32) (ElementType, error) {
	switch kind {
	case kindNone:
		return ElementType{}, nil
	case kindBuiltin:
		id, err := r.u32()
		if err != nil {
			return ElementType{}, err
		}
		t, ok := r.d.typeOf(id)
		if !ok {
			return ElementType{}, errf(ErrInvalidData, "container element type %d", id)
		}
		return ElementType{Builtin: t}, nil
	case kindClassName:
		s, err := r.str()
		return ElementType{Builtin: TypeObject, ClassName: s}, err
	default: // kindScript
		s, err := r.str()
		return ElementType{Builtin: TypeObject, ScriptPath: s}, err
	}
}

func (r *decoder) value(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, errf(ErrTooDeep, "more than %d levels", MaxDepth)
	}
	header, err := r.u32()
	if err != nil {
		return nil, err
	}
	t, ok := r.d.typeOf(header & typeMask)
	if !ok {
		r.off -= 4
		return nil, errf(ErrUnknownType, "type id %d", header&typeMask)
	}
	switch t {
	case TypeNil:
		return nil, nil
	case TypeBool:
		v, err := r.u32()
		return v != 0, err
	case TypeInt:
		if header&flag64 != 0 {
			v, err := r.u64()
			return int64(v), err
		}
		v, err := r.u32()
		return int64(int32(v)), err
	case TypeFloat:
		if header&flag64 != 0 {
			v, err := r.u64()
			return math.Float64frombits(v), err
		}
		v, err := r.u32()
		return float64(math.Float32frombits(v)), err
	case TypeString:
		return r.str()
	case TypeStringName:
		s, err := r.str()
		return StringName(s), err
	case TypeVector2, TypeRect2, TypeVector3, TypeTransform2D, TypeVector4, TypePlane,
		TypeQuaternion, TypeAABB, TypeBasis, TypeTransform3D, TypeProjection:
		return r.math(t, header)
	case TypeVector2i:
		v, err := r.ints(2)
		if err != nil {
			return nil, err
		}
		return Vector2i{v[0], v[1]}, nil
	case TypeRect2i:
		v, err := r.ints(4)
		if err != nil {
			return nil, err
		}
		return Rect2i{Vector2i{v[0], v[1]}, Vector2i{v[2], v[3]}}, nil
	case TypeVector3i:
		v, err := r.ints(3)
		if err != nil {
			return nil, err
		}
		return Vector3i{v[0], v[1], v[2]}, nil
	case TypeVector4i:
		v, err := r.ints(4)
		if err != nil {
			return nil, err
		}
		return Vector4i{v[0], v[1], v[2], v[3]}, nil
	case TypeColor:
		if err := r.need(16); err != nil {
			return nil, err
		}
		return r.color(), nil
	case TypeNodePath:
		return r.nodePath()
	case TypeRID:
		if r.d == Godot3 {
			return RID(0), nil
		}
		v, err := r.u64()
		return RID(v), err
	case TypeObject:
		if header&flagObjectAsID == 0 {
			return nil, errf(ErrUnauthorized, "object sent with full_objects")
		}
		v, err := r.u64()
		if err != nil {
			return nil, err
		}
		if v == 0 {
			// Godot reads a null Object, which it writes back as NIL.
			return nil, nil
		}
		return ObjectID(v), nil
	case TypeCallable:
		return Callable{}, nil
	case TypeSignal:
		name, err := r.str()
		if err != nil {
			return nil, err
		}
		id, err := r.u64()
		return Signal{Name: name, Object: ObjectID(id)}, err
	case TypeArray:
		return r.array(header, depth)
	case TypeDictionary:
		return r.dict(header, depth)
	default:
		return r.packed(t, header)
	}
}

func (r *decoder) math(t Type, header uint32) (any, error) {
	f, err := r.reals(header, realCount[t])
	if err != nil {
		return nil, err
	}
	switch t {
	case TypeVector2:
		return Vector2{f[0], f[1]}, nil
	case TypeRect2:
		return Rect2{Vector2{f[0], f[1]}, Vector2{f[2], f[3]}}, nil
	case TypeVector3:
		return Vector3{f[0], f[1], f[2]}, nil
	case TypeTransform2D:
		return Transform2D{Vector2{f[0], f[1]}, Vector2{f[2], f[3]}, Vector2{f[4], f[5]}}, nil
	case TypeVector4:
		return Vector4{f[0], f[1], f[2], f[3]}, nil
	case TypePlane:
		return Plane{Vector3{f[0], f[1], f[2]}, f[3]}, nil
	case TypeQuaternion:
		return Quaternion{f[0], f[1], f[2], f[3]}, nil
	case TypeAABB:
		return AABB{Vector3{f[0], f[1], f[2]}, Vector3{f[3], f[4], f[5]}}, nil
	case TypeBasis:
		return basisFrom(f), nil
	case TypeTransform3D:
		return Transform3D{basisFrom(f), Vector3{f[9], f[10], f[11]}}, nil
	default: // TypeProjection
		var p Projection
		for i := range p.Columns {
			p.Columns[i] = Vector4{f[4*i], f[4*i+1], f[4*i+2], f[4*i+3]}
		}
		return p, nil
	}
}

// realCount is the number of real_t components of each math type.
var realCount = [typeMax]int{
	TypeVector2: 2, TypeRect2: 4, TypeVector3: 3, TypeTransform2D: 6, TypeVector4: 4,
	TypePlane: 4, TypeQuaternion: 4, TypeAABB: 6, TypeBasis: 9, TypeTransform3D: 12,
	TypeProjection: 16,
}

func basisFrom(f []float64) Basis {
	return Basis{Rows: [3]Vector3{{f[0], f[1], f[2]}, {f[3], f[4], f[5]}, {f[6], f[7], f[8]}}}
}

func (r *decoder) nodePath() (any, error) {
	if err := r.need(4); err != nil {
		return nil, err
	}
	first := r.u32n()
	if first&0x80000000 == 0 {
		return nil, errf(ErrInvalidData, "NodePath in the old string format")
	}
	if err := r.need(8); err != nil {
		return nil, err
	}
	names := uint64(first & 0x7FFFFFFF)
	subs := uint64(r.u32n())
	flags := r.u32n()
	if flags&2 != 0 { // obsolete format: the property is one more subname
		subs++
	}
	// Every string takes at least 4 bytes.
	if (names+subs)*4 > uint64(r.left()) {
		return nil, errf(ErrTruncated, "NodePath with %d names, %d bytes left", names+subs, r.left())
	}
	np := NodePath{Absolute: flags&1 != 0}
	for i := uint64(0); i < names+subs; i++ {
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		if i < names {
			np.Names = append(np.Names, s)
		} else {
			np.SubNames = append(np.SubNames, s)
		}
	}
	return np, nil
}

func (r *decoder) array(header uint32, depth int) (any, error) {
	var et ElementType
	if r.d == Godot4 {
		var err error
		if et, err = r.elemType(header >> arrayKindShift & 3); err != nil {
			return nil, err
		}
	}
	// Bit 31 is Godot's old "shared" flag and is ignored.
	n, err := r.count(4, 0x7FFFFFFF)
	if err != nil {
		return nil, err
	}
	vs := make([]any, n)
	for i := range vs {
		if vs[i], err = r.value(depth + 1); err != nil {
			return nil, err
		}
	}
	if !et.IsZero() {
		return TypedArray{Type: et, Values: vs}, nil
	}
	return vs, nil
}

func (r *decoder) dict(header uint32, depth int) (any, error) {
	d := &Dictionary{}
	if r.d == Godot4 {
		var err error
		if d.KeyType, err = r.elemType(header >> dictKeyShift & 3); err != nil {
			return nil, err
		}
		if d.ValueType, err = r.elemType(header >> dictValueShift & 3); err != nil {
			return nil, err
		}
	}
	n, err := r.count(8, 0x7FFFFFFF)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		k, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		// A repeated key overwrites the value in place, as in Godot.
		d.Set(k, v)
	}
	return d, nil
}

func (r *decoder) packed(t Type, header uint32) (any, error) {
	wide := r.d == Godot4 && header&flag64 != 0
	realSize := 4
	if wide {
		realSize = 8
	}
	switch t {
	case TypePackedByteArray:
		n, err := r.count(1, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]byte, n)
		copy(v, r.b[r.off:])
		// Godot tolerates missing padding after the last byte.
		r.off += min(n+(4-n%4)%4, r.left())
		return v, nil
	case TypePackedInt32Array:
		n, err := r.count(4, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(r.u32n())
		}
		return v, nil
	case TypePackedInt64Array:
		n, err := r.count(8, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(r.u64n())
		}
		return v, nil
	case TypePackedFloat32Array:
		n, err := r.count(4, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(r.u32n())
		}
		return v, nil
	case TypePackedFloat64Array:
		n, err := r.count(8, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(r.u64n())
		}
		return v, nil
	case TypePackedStringArray:
		n, err := r.count(4, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]string, n)
		for i := range v {
			if v[i], err = r.str(); err != nil {
				return nil, err
			}
		}
		return v, nil
	case TypePackedVector2Array:
		n, err := r.count(2*realSize, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]Vector2, n)
		for i := range v {
			f, _ := r.reals(header, 2)
			v[i] = Vector2{f[0], f[1]}
		}
		return v, nil
	case TypePackedVector3Array:
		n, err := r.count(3*realSize, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]Vector3, n)
		for i := range v {
			f, _ := r.reals(header, 3)
			v[i] = Vector3{f[0], f[1], f[2]}
		}
		return v, nil
	case TypePackedVector4Array:
		n, err := r.count(4*realSize, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]Vector4, n)
		for i := range v {
			f, _ := r.reals(header, 4)
			v[i] = Vector4{f[0], f[1], f[2], f[3]}
		}
		return v, nil
	case TypePackedColorArray:
		n, err := r.count(16, 0xFFFFFFFF)
		if err != nil {
			return nil, err
		}
		v := make([]Color, n)
		for i := range v {
			v[i] = r.color()
		}
		return v, nil
	}
	return nil, errf(ErrUnknownType, "type %v", t)
}
