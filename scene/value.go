package scene

import (
	"math"

	"github.com/enetgo/enet/variant"
)

// Call is one received (or local) RPC or Godot 3 rset.
type Call struct {
	// From is the caller's peer id (the true source of a relayed call);
	// the own id for a local call.
	From int32
	// Node is the called node.
	Node *Node
	// Method is the method name (the property name for an rset).
	Method string
	// Args are the arguments (for an rset, the one value).
	Args []Value
	// Transfer and Channel are how the call arrived.
	Transfer Transfer
	Channel  int
	// Set reports a Godot 3 rset.
	Set bool

	buf [4]Value // backs Args for short calls
}

// Arg returns argument i; past the end it returns a Value whose
// accessors fail with ErrArgs.
func (c *Call) Arg(i int) Value {
	if i < 0 || i >= len(c.Args) {
		return Value{missing: true}
	}
	return c.Args[i]
}

// Reply calls method on the caller's node on the caller (rpc_id(from,...)).
func (c *Call) Reply(method string, args ...any) error {
	return c.Node.RPC(c.From, method, args...)
}

// Value is one Variant argument with typed accessors. Each accessor
// returns an error wrapping ErrArgs if the value has another type.
type Value struct {
	v       any
	missing bool
}

// ValueOf wraps v as a Value.
func ValueOf(v any) Value { return Value{v: v} }

// Any returns the value as decoded by package variant (nil for a missing
// argument).
func (v Value) Any() any { return v.v }

// Type returns the Godot type of the value (TypeNil for a missing one).
func (v Value) Type() variant.Type { return typeOf(v.v) }

func (v Value) wrong(want string) error {
	if v.missing {
		return errf(ErrArgs, "missing argument, want %s", want)
	}
	return errf(ErrArgs, "got %v, want %s", typeOf(v.v), want)
}

// String returns a STRING or STRING_NAME value.
func (v Value) String() (string, error) {
	switch x := v.v.(type) {
	case string:
		return x, nil
	case variant.StringName:
		return string(x), nil
	}
	return "", v.wrong("string")
}

// Int returns an INT value.
func (v Value) Int() (int64, error) {
	if x, ok := v.v.(int64); ok {
		return x, nil
	}
	return 0, v.wrong("int")
}

// Int32 returns an INT value that fits in 32 bits (e.g. a peer id).
func (v Value) Int32() (int32, error) {
	x, err := v.Int()
	if err != nil {
		return 0, err
	}
	if x < math.MinInt32 || x > math.MaxInt32 {
		return 0, errf(ErrArgs, "int %d overflows int32", x)
	}
	return int32(x), nil
}

// Float returns a FLOAT value (an INT is converted).
func (v Value) Float() (float64, error) {
	switch x := v.v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	}
	return 0, v.wrong("float")
}

// Bool returns a BOOL value.
func (v Value) Bool() (bool, error) {
	if x, ok := v.v.(bool); ok {
		return x, nil
	}
	return false, v.wrong("bool")
}

// Bytes returns a PACKED_BYTE_ARRAY value.
func (v Value) Bytes() ([]byte, error) {
	if x, ok := v.v.([]byte); ok {
		return x, nil
	}
	return nil, v.wrong("PackedByteArray")
}

// Vector2 returns a VECTOR2 value.
func (v Value) Vector2() (variant.Vector2, error) {
	if x, ok := v.v.(variant.Vector2); ok {
		return x, nil
	}
	return variant.Vector2{}, v.wrong("Vector2")
}

// Vector3 returns a VECTOR3 value.
func (v Value) Vector3() (variant.Vector3, error) {
	if x, ok := v.v.(variant.Vector3); ok {
		return x, nil
	}
	return variant.Vector3{}, v.wrong("Vector3")
}

// Array returns an ARRAY value.
func (v Value) Array() ([]any, error) {
	switch x := v.v.(type) {
	case []any:
		return x, nil
	case variant.TypedArray:
		return x.Values, nil
	}
	return nil, v.wrong("Array")
}

// Dictionary returns a DICTIONARY value.
func (v Value) Dictionary() (*variant.Dictionary, error) {
	if x, ok := v.v.(*variant.Dictionary); ok {
		return x, nil
	}
	return nil, v.wrong("Dictionary")
}

// typeOf maps a decoded Go value to its Godot type.
func typeOf(v any) variant.Type {
	switch v.(type) {
	case nil:
		return variant.TypeNil
	case bool:
		return variant.TypeBool
	case int64, int, int32, int8, int16, uint8, uint16, uint32, uint64, uint:
		return variant.TypeInt
	case float64, float32:
		return variant.TypeFloat
	case string:
		return variant.TypeString
	case variant.StringName:
		return variant.TypeStringName
	case variant.NodePath, *variant.NodePath:
		return variant.TypeNodePath
	case variant.Vector2:
		return variant.TypeVector2
	case variant.Vector2i:
		return variant.TypeVector2i
	case variant.Vector3:
		return variant.TypeVector3
	case variant.Vector3i:
		return variant.TypeVector3i
	case variant.Vector4:
		return variant.TypeVector4
	case variant.Vector4i:
		return variant.TypeVector4i
	case variant.Rect2:
		return variant.TypeRect2
	case variant.Rect2i:
		return variant.TypeRect2i
	case variant.Transform2D:
		return variant.TypeTransform2D
	case variant.Plane:
		return variant.TypePlane
	case variant.Quaternion:
		return variant.TypeQuaternion
	case variant.AABB:
		return variant.TypeAABB
	case variant.Basis:
		return variant.TypeBasis
	case variant.Transform3D:
		return variant.TypeTransform3D
	case variant.Projection:
		return variant.TypeProjection
	case variant.Color:
		return variant.TypeColor
	case variant.RID:
		return variant.TypeRID
	case variant.ObjectID:
		return variant.TypeObject
	case variant.Callable:
		return variant.TypeCallable
	case variant.Signal:
		return variant.TypeSignal
	case *variant.Dictionary, map[string]any:
		return variant.TypeDictionary
	case []any, variant.TypedArray, *variant.TypedArray:
		return variant.TypeArray
	case []byte:
		return variant.TypePackedByteArray
	case []int32:
		return variant.TypePackedInt32Array
	case []int64:
		return variant.TypePackedInt64Array
	case []float32:
		return variant.TypePackedFloat32Array
	case []float64:
		return variant.TypePackedFloat64Array
	case []string:
		return variant.TypePackedStringArray
	case []variant.Vector2:
		return variant.TypePackedVector2Array
	case []variant.Vector3:
		return variant.TypePackedVector3Array
	case []variant.Color:
		return variant.TypePackedColorArray
	case []variant.Vector4:
		return variant.TypePackedVector4Array
	}
	return variant.TypeNil
}
