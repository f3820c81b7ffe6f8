// Package variant encodes and decodes Godot's binary Variant format, the
// bytes behind PacketPeer.put_var / get_var and var2bytes / bytes2var
// (var_to_bytes / bytes_to_var in Godot 4), in the Godot 3 and Godot 4
// dialects.
//
// # Dialects
//
// The two dialects share the layout but number the types differently
// (Godot 3 has no Vector2i, StringName, packed int64 arrays, ...; ARRAY is 19
// in Godot 3 and 28 in Godot 4). Pick the dialect of the peer:
//
//	b, err := variant.Marshal(variant.Godot3, []any{int64(1), "two"})
//	v, err := variant.Unmarshal(variant.Godot4, packet)
//
// Marshaling a type the dialect lacks fails with ErrUnsupported; a wire type
// id the dialect lacks fails with ErrUnknownType.
//
// Both dialects are tested byte for byte, in both directions, against real
// engines: the Godot 4 dialect against Godot 4.6.3, the Godot 3 dialect
// against Godot 3.6.2 and 3.2.3 (TestGodot4Table, TestGodot36Table,
// TestGodot3Table). docs/variant.md lists the rules and what each engine
// confirmed.
//
// # Mapping
//
// Marshal accepts the Go types on the left; Unmarshal returns the type in
// the middle column.
//
//	Marshal accepts                     Unmarshal returns  Godot type
//	nil                                 nil                NIL
//	bool                                bool               BOOL
//	int, int8..int64, uint, uint8..     int64              INT (32-bit; 64-bit with the
//	  uint64 (≤ MaxInt64)                                    header flag when needed)
//	float32, float64                    float64            FLOAT (float32 when exact,
//	                                                         else float64 with the flag;
//	                                                         NaN always float64)
//	string                              string             STRING
//	StringName                          StringName         STRING_NAME (Godot 4)
//	NodePath, *NodePath                 NodePath           NODE_PATH
//	Vector2, Vector3, Vector4           same               VECTOR2, VECTOR3, VECTOR4 (G4)
//	Vector2i, Vector3i, Vector4i        same               VECTOR2I, ... (Godot 4)
//	Rect2, Rect2i                       same               RECT2, RECT2I (Godot 4)
//	Transform2D, Plane, Quaternion,     same               TRANSFORM2D, PLANE, QUAT(ERNION),
//	  AABB, Basis, Transform3D                               AABB, BASIS, TRANSFORM(3D)
//	Projection                          Projection         PROJECTION (Godot 4)
//	Color                               Color              COLOR
//	RID                                 RID                RID (Godot 3 sends no id)
//	ObjectID                            ObjectID           OBJECT as instance id
//	Callable, Signal                    same               CALLABLE, SIGNAL (Godot 4)
//	[]any                               []any              ARRAY
//	TypedArray, *TypedArray             TypedArray         typed ARRAY (Godot 4; plain
//	                                                         ARRAY in Godot 3)
//	*Dictionary                         *Dictionary        DICTIONARY (insertion order;
//	                                                         typed in Godot 4)
//	map[string]any                      *Dictionary        DICTIONARY, keys sorted
//	[]byte                              []byte             PACKED/POOL_BYTE_ARRAY
//	[]int32                             []int32            PACKED_INT32 / POOL_INT_ARRAY
//	[]int64                             []int64            PACKED_INT64_ARRAY (Godot 4)
//	[]float32                           []float32          PACKED_FLOAT32 / POOL_REAL_ARRAY
//	[]float64                           []float64          PACKED_FLOAT64_ARRAY (Godot 4)
//	[]string                            []string           PACKED/POOL_STRING_ARRAY
//	[]Vector2, []Vector3, []Color       same               PACKED/POOL_VECTOR2/3, COLOR_ARRAY
//	[]Vector4                           []Vector4          PACKED_VECTOR4_ARRAY (Godot 4.3+)
//
// A nil slice marshals as an empty array; a nil *Dictionary as an empty
// dictionary. Other Go types (including []int and structs of your own) fail
// with ErrUnsupported.
//
// # Floating point width
//
// Math types (Vector2, Rect2, Transform2D, ..., Projection) hold float64 in
// Go. Godot 3 always sends them as float32, so the Godot 3 dialect rounds to
// float32, as Godot 3 itself does. Godot 4 single-precision builds send
// float32 and double-precision builds send float64 with the 64-bit header
// flag; Godot 4's decoder checks the flag on every math value and reads
// both. The Godot 4 dialect therefore writes float32 when every component
// survives the round trip and float64 with the flag otherwise, so no
// precision is lost; packed vector arrays get the flag as a whole. Godot
// 4.6.3 (a single-precision build) reads such values, rounding them to
// float32, and writes float32 back. Unmarshal accepts both.
// Colors are always float32 on the wire and in Go. A FLOAT is float32 when
// double(float(v)) == v, as in Godot; that is false for NaN, so a NaN FLOAT
// always goes out as a float64 keeping its bits (a NaN inside a math type
// is float32, as a single-precision Godot writes it).
//
// # Strings
//
// Strings are UTF-8 with a byte-length prefix. Godot's decoder stops at the
// first NUL byte, so Unmarshal does too; Marshal writes a string containing
// NUL as Godot does, and the receiver sees it cut short. Invalid UTF-8 fails
// in both directions.
//
// # Objects
//
// Only objects sent as instance ids (full_objects off, the default) are
// supported. A full object on the wire fails with ErrUnauthorized, as in
// Godot with allow_objects off. Godot (3.2.3, 3.6.2 and 4.6.3) writes a null
// or freed object as NIL, and so does Marshal for ObjectID(0); an id of 0
// on the wire, which Godot reads as a null Object, unmarshals as nil.
//
// # Padding
//
// Padding after strings and byte arrays is written as zeros and ignored when
// reading: Godot 3.2.3 and 3.6.2 leave the padding after NodePath names
// uninitialised, so it can hold any bytes.
//
// # Bad input
//
// Unmarshal never panics and never allocates more than the input can hold:
// every count is checked against the remaining bytes before anything is
// allocated. Errors wrap ErrTruncated, ErrInvalidData, ErrUnknownType,
// ErrTooDeep or ErrUnauthorized and carry the offset of the problem.
// Arrays and dictionaries may nest MaxDepth (1024, Godot 4's limit) levels
// deep in either dialect. Unmarshal rejects trailing bytes; UnmarshalPrefix
// allows them and reports how many bytes the value used.
package variant
