package variant

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
)

const (
	flag64         = 1 << 16 // INT, FLOAT and Godot 4 math types: 64-bit payload
	flagObjectAsID = 1 << 16 // OBJECT: instance id instead of a full object
	typeMask       = 0xFF

	arrayKindShift = 16 // Godot 4 typed Array: element kind in bits 16-17
	dictKeyShift   = 16 // Godot 4 typed Dictionary: key kind in bits 16-17
	dictValueShift = 18 // and value kind in bits 18-19

	kindNone      = 0
	kindBuiltin   = 1
	kindClassName = 2
	kindScript    = 3
)

// Marshal encodes v in dialect d, as Godot's var2bytes / PacketPeer.put_var
// (with full objects off) would. The package documentation lists the Go
// types it accepts.
func Marshal(d Dialect, v any) ([]byte, error) {
	return AppendMarshal(nil, d, v)
}

// AppendMarshal appends the encoding of v in dialect d to dst and returns
// the extended slice. On error dst is returned unchanged.
func AppendMarshal(dst []byte, d Dialect, v any) ([]byte, error) {
	if !d.valid() {
		return dst, &Error{Op: "marshal", Dialect: d, Offset: -1, Err: errf(ErrUnsupported, "unknown dialect")}
	}
	e := encoder{d: d, buf: dst, base: len(dst)}
	if err := e.encode(v, 0); err != nil {
		return dst, &Error{Op: "marshal", Dialect: d, Offset: -1, Err: err}
	}
	return e.buf, nil
}

type encoder struct {
	d   Dialect
	buf []byte
	// base is where the value starts in buf: padding aligns to 4 bytes
	// from there, not from the start of a caller's dst.
	base int
	// keyMode encodes dictionary keys for identity: Godot 4 ids, but a null
	// ObjectID stays distinct from nil.
	keyMode bool
}

func (e *encoder) u32(v uint32) { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *encoder) u64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }
func (e *encoder) f32(v float32) {
	e.u32(math.Float32bits(v))
}
func (e *encoder) f64(v float64) { e.u64(math.Float64bits(v)) }

func (e *encoder) pad() {
	for (len(e.buf)-e.base)%4 != 0 {
		e.buf = append(e.buf, 0)
	}
}

// header writes the header for t with extra flag bits, or fails if the
// dialect lacks t.
func (e *encoder) header(t Type, flags uint32) error {
	id, ok := e.d.wireID(t)
	if !ok {
		return errf(ErrUnsupported, "%v does not exist in %v", t, e.d)
	}
	e.u32(id | flags)
	return nil
}

// str writes a length-prefixed, padded UTF-8 string. The length covers the
// bytes only (no terminator).
func (e *encoder) str(s string) error {
	if !utf8.ValidString(s) {
		return errf(ErrUnsupported, "string is not valid UTF-8")
	}
	if uint64(len(s)) > math.MaxInt32 {
		return errf(ErrUnsupported, "string longer than 2 GiB")
	}
	e.u32(uint32(len(s)))
	e.buf = append(e.buf, s...)
	e.pad()
	return nil
}

// exact32 reports whether every value survives a round trip through
// float32 (NaN counts as exact).
func exact32(vs ...float64) bool {
	for _, v := range vs {
		if float64(float32(v)) != v && !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// reals writes math-type components: float32 in Godot 3 (as Godot 3 does,
// losing precision); in Godot 4 float32 when that is exact, else float64
// with the 64 flag, as a double-precision Godot 4 build does.
func (e *encoder) reals(t Type, vs ...float64) error {
	wide := e.d == Godot4 && !exact32(vs...)
	var flags uint32
	if wide {
		flags = flag64
	}
	if err := e.header(t, flags); err != nil {
		return err
	}
	for _, v := range vs {
		if wide {
			e.f64(v)
		} else {
			e.f32(float32(v))
		}
	}
	return nil
}

func (e *encoder) ints(t Type, vs ...int32) error {
	if err := e.header(t, 0); err != nil {
		return err
	}
	for _, v := range vs {
		e.u32(uint32(v))
	}
	return nil
}

func (e *encoder) int(v int64) error {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		e.u32(uint32(TypeInt))
		e.u32(uint32(int32(v)))
		return nil
	}
	e.u32(uint32(TypeInt) | flag64)
	e.u64(uint64(v))
	return nil
}

// float writes a FLOAT as Godot's encoder does: float32 when
// double(float(v)) == v, else float64 with the 64-bit flag. That test is
// false for NaN, so Godot (3.2.3, 3.6.2 and 4.6.3 alike) always writes NaN
// as a float64, keeping its bits.
func (e *encoder) float(v float64) error {
	if math.IsNaN(v) && e.keyMode {
		// Every NaN is the same dictionary key.
		v = math.NaN()
	}
	if float64(float32(v)) == v {
		e.u32(uint32(TypeFloat))
		e.f32(float32(v))
		return nil
	}
	e.u32(uint32(TypeFloat) | flag64)
	e.f64(v)
	return nil
}

func count(n int) (uint32, error) {
	if n > math.MaxInt32 {
		return 0, errf(ErrUnsupported, "%d elements is more than Godot can hold", n)
	}
	return uint32(n), nil
}

// elemType writes typed-container data for t (nothing when untyped) and
// returns its kind.
func (e *encoder) elemType(t ElementType) error {
	switch {
	case t.ScriptPath != "":
		return e.str(t.ScriptPath)
	case t.ClassName != "":
		return e.str(t.ClassName)
	case t.Builtin != TypeNil:
		id, ok := e.d.wireID(t.Builtin)
		if !ok {
			return errf(ErrUnsupported, "element type %v", t.Builtin)
		}
		e.u32(id)
	}
	return nil
}

func kindOf(t ElementType) uint32 {
	switch {
	case t.ScriptPath != "":
		return kindScript
	case t.ClassName != "":
		return kindClassName
	case t.Builtin != TypeNil:
		return kindBuiltin
	}
	return kindNone
}

func (e *encoder) array(t ElementType, vs []any, depth int) error {
	var flags uint32
	if e.d == Godot4 {
		flags = kindOf(t) << arrayKindShift
	}
	n, err := count(len(vs))
	if err != nil {
		return err
	}
	if err := e.header(TypeArray, flags); err != nil {
		return err
	}
	if e.d == Godot4 {
		if err := e.elemType(t); err != nil {
			return err
		}
	}
	e.u32(n)
	for i, v := range vs {
		if err := e.encode(v, depth+1); err != nil {
			return fmt.Errorf("array element %d: %w", i, err)
		}
	}
	return nil
}

func (e *encoder) dict(d *Dictionary, depth int) error {
	var kt, vt ElementType
	if d != nil {
		kt, vt = d.KeyType, d.ValueType
	}
	var flags uint32
	if e.d == Godot4 {
		flags = kindOf(kt)<<dictKeyShift | kindOf(vt)<<dictValueShift
	}
	n, err := count(d.Len())
	if err != nil {
		return err
	}
	if err := e.header(TypeDictionary, flags); err != nil {
		return err
	}
	if e.d == Godot4 {
		if err := e.elemType(kt); err != nil {
			return err
		}
		if err := e.elemType(vt); err != nil {
			return err
		}
	}
	e.u32(n)
	for k, v := range d.All() {
		if err := e.encode(k, depth+1); err != nil {
			return fmt.Errorf("dictionary key %v: %w", k, err)
		}
		if err := e.encode(v, depth+1); err != nil {
			return fmt.Errorf("dictionary value for key %v: %w", k, err)
		}
	}
	return nil
}

func (e *encoder) stringMap(m map[string]any, depth int) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := &Dictionary{}
	for _, k := range keys {
		d.keys = append(d.keys, k)
		d.values = append(d.values, m[k])
	}
	return e.dict(d, depth)
}

func (e *encoder) packedHeader(t Type, n int, flags uint32) error {
	c, err := count(n)
	if err != nil {
		return err
	}
	if err := e.header(t, flags); err != nil {
		return err
	}
	e.u32(c)
	return nil
}

// packedReals writes packed vector arrays: float32 unless Godot 4 needs
// float64 for an exact value.
func (e *encoder) packedReals(t Type, n int, at func(i int) []float64) error {
	wide := false
	if e.d == Godot4 {
		for i := 0; i < n && !wide; i++ {
			wide = !exact32(at(i)...)
		}
	}
	var flags uint32
	if wide {
		flags = flag64
	}
	if err := e.packedHeader(t, n, flags); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		for _, v := range at(i) {
			if wide {
				e.f64(v)
			} else {
				e.f32(float32(v))
			}
		}
	}
	return nil
}

func (e *encoder) encode(v any, depth int) error {
	if depth > MaxDepth {
		return errf(ErrTooDeep, "more than %d levels", MaxDepth)
	}
	switch v := v.(type) {
	case nil:
		return e.header(TypeNil, 0)
	case bool:
		e.u32(uint32(TypeBool))
		if v {
			e.u32(1)
		} else {
			e.u32(0)
		}
		return nil
	case int:
		return e.int(int64(v))
	case int8:
		return e.int(int64(v))
	case int16:
		return e.int(int64(v))
	case int32:
		return e.int(int64(v))
	case int64:
		return e.int(v)
	case uint:
		if uint64(v) > math.MaxInt64 {
			return errf(ErrUnsupported, "%d overflows Godot's int64", v)
		}
		return e.int(int64(v))
	case uint8:
		return e.int(int64(v))
	case uint16:
		return e.int(int64(v))
	case uint32:
		return e.int(int64(v))
	case uint64:
		if v > math.MaxInt64 {
			return errf(ErrUnsupported, "%d overflows Godot's int64", v)
		}
		return e.int(int64(v))
	case float32:
		return e.float(float64(v))
	case float64:
		return e.float(v)
	case string:
		e.u32(uint32(TypeString))
		return e.str(v)
	case StringName:
		if err := e.header(TypeStringName, 0); err != nil {
			return err
		}
		return e.str(string(v))
	case NodePath:
		return e.nodePath(v)
	case *NodePath:
		if v == nil {
			return e.nodePath(NodePath{})
		}
		return e.nodePath(*v)
	case Vector2:
		return e.reals(TypeVector2, v.X, v.Y)
	case Vector2i:
		return e.ints(TypeVector2i, v.X, v.Y)
	case Rect2:
		return e.reals(TypeRect2, v.Position.X, v.Position.Y, v.Size.X, v.Size.Y)
	case Rect2i:
		return e.ints(TypeRect2i, v.Position.X, v.Position.Y, v.Size.X, v.Size.Y)
	case Vector3:
		return e.reals(TypeVector3, v.X, v.Y, v.Z)
	case Vector3i:
		return e.ints(TypeVector3i, v.X, v.Y, v.Z)
	case Transform2D:
		return e.reals(TypeTransform2D, v.X.X, v.X.Y, v.Y.X, v.Y.Y, v.Origin.X, v.Origin.Y)
	case Vector4:
		return e.reals(TypeVector4, v.X, v.Y, v.Z, v.W)
	case Vector4i:
		return e.ints(TypeVector4i, v.X, v.Y, v.Z, v.W)
	case Plane:
		return e.reals(TypePlane, v.Normal.X, v.Normal.Y, v.Normal.Z, v.D)
	case Quaternion:
		return e.reals(TypeQuaternion, v.X, v.Y, v.Z, v.W)
	case AABB:
		return e.reals(TypeAABB, v.Position.X, v.Position.Y, v.Position.Z, v.Size.X, v.Size.Y, v.Size.Z)
	case Basis:
		return e.reals(TypeBasis, basisReals(v)...)
	case Transform3D:
		return e.reals(TypeTransform3D, append(basisReals(v.Basis), v.Origin.X, v.Origin.Y, v.Origin.Z)...)
	case Projection:
		fs := make([]float64, 0, 16)
		for _, c := range v.Columns {
			fs = append(fs, c.X, c.Y, c.Z, c.W)
		}
		return e.reals(TypeProjection, fs...)
	case Color:
		if err := e.header(TypeColor, 0); err != nil {
			return err
		}
		e.f32(v.R)
		e.f32(v.G)
		e.f32(v.B)
		e.f32(v.A)
		return nil
	case RID:
		if err := e.header(TypeRID, 0); err != nil {
			return err
		}
		if e.d == Godot4 {
			e.u64(uint64(v))
		}
		return nil
	case ObjectID:
		// Godot 3.2.3, 3.6.2 and 4.6.3 all write a null object as NIL.
		if v == 0 && !e.keyMode {
			return e.header(TypeNil, 0)
		}
		if err := e.header(TypeObject, flagObjectAsID); err != nil {
			return err
		}
		e.u64(uint64(v))
		return nil
	case Callable:
		return e.header(TypeCallable, 0)
	case Signal:
		if err := e.header(TypeSignal, 0); err != nil {
			return err
		}
		if err := e.str(v.Name); err != nil {
			return err
		}
		e.u64(uint64(v.Object))
		return nil
	case []any:
		return e.array(ElementType{}, v, depth)
	case TypedArray:
		return e.array(v.Type, v.Values, depth)
	case *TypedArray:
		if v == nil {
			return e.array(ElementType{}, nil, depth)
		}
		return e.array(v.Type, v.Values, depth)
	case *Dictionary:
		return e.dict(v, depth)
	case map[string]any:
		return e.stringMap(v, depth)
	case []byte:
		if err := e.packedHeader(TypePackedByteArray, len(v), 0); err != nil {
			return err
		}
		e.buf = append(e.buf, v...)
		e.pad()
		return nil
	case []int32:
		if err := e.packedHeader(TypePackedInt32Array, len(v), 0); err != nil {
			return err
		}
		for _, x := range v {
			e.u32(uint32(x))
		}
		return nil
	case []int64:
		if err := e.packedHeader(TypePackedInt64Array, len(v), 0); err != nil {
			return err
		}
		for _, x := range v {
			e.u64(uint64(x))
		}
		return nil
	case []float32:
		if err := e.packedHeader(TypePackedFloat32Array, len(v), 0); err != nil {
			return err
		}
		for _, x := range v {
			e.f32(x)
		}
		return nil
	case []float64:
		if err := e.packedHeader(TypePackedFloat64Array, len(v), 0); err != nil {
			return err
		}
		for _, x := range v {
			e.f64(x)
		}
		return nil
	case []string:
		if err := e.packedHeader(TypePackedStringArray, len(v), 0); err != nil {
			return err
		}
		for _, s := range v {
			if !utf8.ValidString(s) {
				return errf(ErrUnsupported, "string is not valid UTF-8")
			}
			// Each element counts and carries a trailing NUL.
			e.u32(uint32(len(s) + 1))
			e.buf = append(e.buf, s...)
			e.buf = append(e.buf, 0)
			e.pad()
		}
		return nil
	case []Vector2:
		return e.packedReals(TypePackedVector2Array, len(v), func(i int) []float64 { return []float64{v[i].X, v[i].Y} })
	case []Vector3:
		return e.packedReals(TypePackedVector3Array, len(v), func(i int) []float64 { return []float64{v[i].X, v[i].Y, v[i].Z} })
	case []Vector4:
		return e.packedReals(TypePackedVector4Array, len(v), func(i int) []float64 { return []float64{v[i].X, v[i].Y, v[i].Z, v[i].W} })
	case []Color:
		if err := e.packedHeader(TypePackedColorArray, len(v), 0); err != nil {
			return err
		}
		for _, c := range v {
			e.f32(c.R)
			e.f32(c.G)
			e.f32(c.B)
			e.f32(c.A)
		}
		return nil
	}
	return errf(ErrUnsupported, "Go type %T", v)
}

func basisReals(b Basis) []float64 {
	fs := make([]float64, 0, 12)
	for _, r := range b.Rows {
		fs = append(fs, r.X, r.Y, r.Z)
	}
	return fs
}

func (e *encoder) nodePath(np NodePath) error {
	if len(np.Names) > math.MaxInt32 || len(np.SubNames) > math.MaxInt32 {
		return errf(ErrUnsupported, "NodePath too long")
	}
	if err := e.header(TypeNodePath, 0); err != nil {
		return err
	}
	// The high bit tells decoders this is not the old string-only format.
	e.u32(uint32(len(np.Names)) | 0x80000000)
	e.u32(uint32(len(np.SubNames)))
	var flags uint32
	if np.Absolute {
		flags = 1
	}
	e.u32(flags)
	for _, s := range np.Names {
		if err := e.str(s); err != nil {
			return err
		}
	}
	for _, s := range np.SubNames {
		if err := e.str(s); err != nil {
			return err
		}
	}
	return nil
}
