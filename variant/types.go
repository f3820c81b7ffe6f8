package variant

// StringName is a Godot 4 StringName. It is a distinct type so that it
// marshals as STRING_NAME rather than STRING; it does not exist in Godot 3.
type StringName string

// RID is a Godot resource id. Godot 4 sends its 64-bit value; Godot 3 sends
// no payload at all, so a Godot 3 RID always decodes as RID(0).
type RID uint64

// ObjectID is an Object sent as its instance id (put_var with full objects
// off, Godot's EncodedObjectAsID). ObjectID(0) is a null object. Godot 3 and
// 4 both write a null object as NIL, so ObjectID(0) marshals as NIL and an
// object id of 0 on the wire unmarshals as nil, in both dialects.
type ObjectID uint64

// Callable is a Godot 4 Callable. Godot sends no payload for it, so every
// Callable arrives empty.
type Callable struct{}

// Signal is a Godot 4 Signal: a signal name on an object.
type Signal struct {
	Name   string
	Object ObjectID
}

// Vector2 is a Godot Vector2. Fields are float64 so that values from Godot 4
// double-precision builds survive; see the package documentation for the
// wire width.
type Vector2 struct{ X, Y float64 }

// Vector2i is a Godot 4 Vector2i.
type Vector2i struct{ X, Y int32 }

// Vector3 is a Godot Vector3.
type Vector3 struct{ X, Y, Z float64 }

// Vector3i is a Godot 4 Vector3i.
type Vector3i struct{ X, Y, Z int32 }

// Vector4 is a Godot 4 Vector4.
type Vector4 struct{ X, Y, Z, W float64 }

// Vector4i is a Godot 4 Vector4i.
type Vector4i struct{ X, Y, Z, W int32 }

// Rect2 is a Godot Rect2.
type Rect2 struct{ Position, Size Vector2 }

// Rect2i is a Godot 4 Rect2i.
type Rect2i struct{ Position, Size Vector2i }

// Transform2D is a Godot Transform2D: the X and Y axis columns and the
// origin, in wire order.
type Transform2D struct{ X, Y, Origin Vector2 }

// Plane is a Godot Plane.
type Plane struct {
	Normal Vector3
	D      float64
}

// Quaternion is a Godot Quaternion (Quat in Godot 3).
type Quaternion struct{ X, Y, Z, W float64 }

// AABB is a Godot AABB.
type AABB struct{ Position, Size Vector3 }

// Basis is a Godot Basis stored as Godot stores it and sends it: three rows.
// Godot's basis.x axis is the column (Rows[0].X, Rows[1].X, Rows[2].X), so
// GDScript's Basis(Vector3(1,2,3), Vector3(4,5,6), Vector3(7,8,9)) is
// Basis{Rows: [3]Vector3{{1, 4, 7}, {2, 5, 8}, {3, 6, 9}}}.
type Basis struct{ Rows [3]Vector3 }

// Transform3D is a Godot Transform3D (Transform in Godot 3).
type Transform3D struct {
	Basis  Basis
	Origin Vector3
}

// Projection is a Godot 4 Projection: four columns.
type Projection struct{ Columns [4]Vector4 }

// Color is a Godot Color. Godot always sends colors as float32, so the
// fields are float32.
type Color struct{ R, G, B, A float32 }

// ElementType describes the element type of a Godot 4 typed Array, or the
// key or value type of a typed Dictionary. The zero value means untyped.
//
// On the wire Godot 4 sends one of: a builtin type id (Builtin set, other
// fields empty), a class name (ClassName set, Builtin is TypeObject) or a
// script path (ScriptPath set, Builtin is TypeObject). Marshal picks the
// script path if set, else the class name, else the builtin type.
type ElementType struct {
	Builtin    Type
	ClassName  string
	ScriptPath string
}

// IsZero reports whether t means "untyped".
func (t ElementType) IsZero() bool {
	return t.Builtin == TypeNil && t.ClassName == "" && t.ScriptPath == ""
}

// TypedArray is a Godot 4 typed Array (Array[int], Array[Node], ...).
// Untyped arrays are plain []any. Godot 3 has no typed arrays: marshaling a
// TypedArray in the Godot 3 dialect writes a plain Array.
type TypedArray struct {
	Type   ElementType
	Values []any
}
