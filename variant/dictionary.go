package variant

import (
	"fmt"
	"iter"
)

// Dictionary is a Godot Dictionary: key/value pairs kept in insertion
// order, as Godot keeps and sends them. Keys may be any value Marshal
// accepts, including arrays and dictionaries.
//
// Two keys are the same key when they marshal to the same bytes in the
// Godot 4 dialect: int(1) and int64(1) are one key, int 1 and float 1.0 are
// two (as in Godot), a string and a StringName are two, and NaN equals
// NaN. Do not modify a slice or dictionary after using it as a key.
//
// KeyType and ValueType make a Godot 4 typed dictionary
// (Dictionary[String, int]); they are ignored by the Godot 3 dialect.
//
// The zero value is an empty, untyped dictionary ready to use; Set on a nil
// *Dictionary panics, like a write to a nil map. A Dictionary must not be
// copied after first use; pass *Dictionary. It is not safe for concurrent
// writes.
type Dictionary struct {
	KeyType   ElementType
	ValueType ElementType

	keys   []any
	values []any
	index  map[string]int
}

// NewDictionary returns an empty dictionary.
func NewDictionary() *Dictionary { return &Dictionary{} }

// Len returns the number of entries.
func (d *Dictionary) Len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

// Set sets the value for key. A new key goes to the end; an existing key
// keeps its position.
func (d *Dictionary) Set(key, value any) {
	k := keyID(key)
	if i, ok := d.index[k]; ok {
		d.values[i] = value
		return
	}
	if d.index == nil {
		d.index = make(map[string]int)
	}
	d.index[k] = len(d.keys)
	d.keys = append(d.keys, key)
	d.values = append(d.values, value)
}

// Get returns the value for key and whether it is present.
func (d *Dictionary) Get(key any) (any, bool) {
	if d == nil {
		return nil, false
	}
	i, ok := d.index[keyID(key)]
	if !ok {
		return nil, false
	}
	return d.values[i], true
}

// Has reports whether key is present.
func (d *Dictionary) Has(key any) bool {
	_, ok := d.Get(key)
	return ok
}

// Delete removes key and reports whether it was present. The other entries
// keep their order.
func (d *Dictionary) Delete(key any) bool {
	if d == nil {
		return false
	}
	k := keyID(key)
	i, ok := d.index[k]
	if !ok {
		return false
	}
	d.keys = append(d.keys[:i], d.keys[i+1:]...)
	d.values = append(d.values[:i], d.values[i+1:]...)
	delete(d.index, k)
	for j := i; j < len(d.keys); j++ {
		d.index[keyID(d.keys[j])] = j
	}
	return true
}

// Keys returns the keys in insertion order, in a new slice.
func (d *Dictionary) Keys() []any {
	if d == nil {
		return nil
	}
	return append([]any(nil), d.keys...)
}

// Values returns the values in insertion order, in a new slice.
func (d *Dictionary) Values() []any {
	if d == nil {
		return nil
	}
	return append([]any(nil), d.values...)
}

// All iterates over the entries in insertion order.
func (d *Dictionary) All() iter.Seq2[any, any] {
	return func(yield func(any, any) bool) {
		for i := 0; i < d.Len(); i++ {
			if !yield(d.keys[i], d.values[i]) {
				return
			}
		}
	}
}

// String formats the dictionary like Godot prints one: {a:1, b:2}.
func (d *Dictionary) String() string {
	s := "{"
	for i := 0; i < d.Len(); i++ {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%v:%v", d.keys[i], d.values[i])
	}
	return s + "}"
}

// keyID gives the identity of a dictionary key: its Godot 4 encoding, or
// for values Marshal rejects, a formatted form that cannot collide with one.
func keyID(key any) string {
	e := encoder{d: Godot4, keyMode: true}
	if err := e.encode(key, 0); err != nil {
		return fmt.Sprintf("\x00%T\x00%#v", key, key)
	}
	return string(e.buf)
}
