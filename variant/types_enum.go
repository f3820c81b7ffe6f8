package variant

import "fmt"

// Type is a Godot Variant type. Its values are Godot 4's Variant::Type
// numbers; the Godot 3 dialect maps them to Godot 3's ids on the wire.
type Type uint8

// Variant types, with Godot 4 numbering.
const (
	TypeNil Type = iota
	TypeBool
	TypeInt
	TypeFloat
	TypeString
	TypeVector2
	TypeVector2i
	TypeRect2
	TypeRect2i
	TypeVector3
	TypeVector3i
	TypeTransform2D
	TypeVector4
	TypeVector4i
	TypePlane
	TypeQuaternion
	TypeAABB
	TypeBasis
	TypeTransform3D
	TypeProjection
	TypeColor
	TypeStringName
	TypeNodePath
	TypeRID
	TypeObject
	TypeCallable
	TypeSignal
	TypeDictionary
	TypeArray
	TypePackedByteArray
	TypePackedInt32Array
	TypePackedInt64Array
	TypePackedFloat32Array
	TypePackedFloat64Array
	TypePackedStringArray
	TypePackedVector2Array
	TypePackedVector3Array
	TypePackedColorArray
	TypePackedVector4Array
	typeMax
)

var typeNames = [typeMax]string{
	"NIL", "BOOL", "INT", "FLOAT", "STRING", "VECTOR2", "VECTOR2I", "RECT2", "RECT2I",
	"VECTOR3", "VECTOR3I", "TRANSFORM2D", "VECTOR4", "VECTOR4I", "PLANE", "QUATERNION",
	"AABB", "BASIS", "TRANSFORM3D", "PROJECTION", "COLOR", "STRING_NAME", "NODE_PATH",
	"RID", "OBJECT", "CALLABLE", "SIGNAL", "DICTIONARY", "ARRAY", "PACKED_BYTE_ARRAY",
	"PACKED_INT32_ARRAY", "PACKED_INT64_ARRAY", "PACKED_FLOAT32_ARRAY",
	"PACKED_FLOAT64_ARRAY", "PACKED_STRING_ARRAY", "PACKED_VECTOR2_ARRAY",
	"PACKED_VECTOR3_ARRAY", "PACKED_COLOR_ARRAY", "PACKED_VECTOR4_ARRAY",
}

// String returns Godot 4's name for the type, such as "PACKED_BYTE_ARRAY".
func (t Type) String() string {
	if t < typeMax {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Dialect selects the wire format: Godot 3.x or Godot 4.x.
type Dialect uint8

// Dialects.
const (
	Godot3 Dialect = 3
	Godot4 Dialect = 4
)

// String returns "Godot3" or "Godot4".
func (d Dialect) String() string {
	switch d {
	case Godot3:
		return "Godot3"
	case Godot4:
		return "Godot4"
	}
	return fmt.Sprintf("Dialect(%d)", uint8(d))
}

// notInGodot3 marks types with no Godot 3 id.
const notInGodot3 = 0xFF

// godot3IDs maps a Type to its Godot 3 wire id.
var godot3IDs = [typeMax]uint8{
	TypeNil: 0, TypeBool: 1, TypeInt: 2, TypeFloat: 3, TypeString: 4, TypeVector2: 5,
	TypeVector2i: notInGodot3, TypeRect2: 6, TypeRect2i: notInGodot3, TypeVector3: 7,
	TypeVector3i: notInGodot3, TypeTransform2D: 8, TypeVector4: notInGodot3,
	TypeVector4i: notInGodot3, TypePlane: 9, TypeQuaternion: 10, TypeAABB: 11,
	TypeBasis: 12, TypeTransform3D: 13, TypeProjection: notInGodot3, TypeColor: 14,
	TypeStringName: notInGodot3, TypeNodePath: 15, TypeRID: 16, TypeObject: 17,
	TypeCallable: notInGodot3, TypeSignal: notInGodot3, TypeDictionary: 18, TypeArray: 19,
	TypePackedByteArray: 20, TypePackedInt32Array: 21, TypePackedInt64Array: notInGodot3,
	TypePackedFloat32Array: 22, TypePackedFloat64Array: notInGodot3,
	TypePackedStringArray: 23, TypePackedVector2Array: 24, TypePackedVector3Array: 25,
	TypePackedColorArray: 26, TypePackedVector4Array: notInGodot3,
}

// godot3Max is Godot 3's VARIANT_MAX.
const godot3Max = 27

var godot3Types = func() (m [godot3Max]Type) {
	for t, id := range godot3IDs {
		if id != notInGodot3 {
			m[id] = Type(t)
		}
	}
	return m
}()

// wireID returns the wire id of t in dialect d, or false if d has no such
// type.
func (d Dialect) wireID(t Type) (uint32, bool) {
	if t >= typeMax {
		return 0, false
	}
	if d == Godot3 {
		id := godot3IDs[t]
		return uint32(id), id != notInGodot3
	}
	return uint32(t), true
}

// typeOf maps a wire id to a Type, or false if d has no such id.
func (d Dialect) typeOf(id uint32) (Type, bool) {
	if d == Godot3 {
		if id >= godot3Max {
			return 0, false
		}
		return godot3Types[id], true
	}
	if id >= uint32(typeMax) {
		return 0, false
	}
	return Type(id), true
}

func (d Dialect) valid() bool { return d == Godot3 || d == Godot4 }
