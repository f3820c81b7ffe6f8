package variant_test

import (
	"fmt"

	"github.com/enetgo/enet/variant"
)

func ExampleMarshal() {
	b, err := variant.Marshal(variant.Godot3, "hi")
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", b)

	b, err = variant.Marshal(variant.Godot4, []byte{1, 2, 3})
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", b)

	_, err = variant.Marshal(variant.Godot3, variant.Vector2i{X: 1})
	fmt.Println(err)
	// Output:
	// 04 00 00 00 02 00 00 00 68 69 00 00
	// 1d 00 00 00 03 00 00 00 01 02 03 00
	// variant: marshal Godot3: unsupported value: VECTOR2I does not exist in Godot3
}

func ExampleUnmarshal() {
	// A Godot 3 Array [7, "hi"] as PacketPeer.put_var sends it.
	packet := []byte{
		0x13, 0, 0, 0, 2, 0, 0, 0,
		0x02, 0, 0, 0, 7, 0, 0, 0,
		0x04, 0, 0, 0, 2, 0, 0, 0, 'h', 'i', 0, 0,
	}
	v, err := variant.Unmarshal(variant.Godot3, packet)
	if err != nil {
		panic(err)
	}
	for _, e := range v.([]any) {
		fmt.Printf("%T %v\n", e, e)
	}
	// Output:
	// int64 7
	// string hi
}

func ExampleDictionary() {
	d := variant.NewDictionary()
	d.Set("name", "Godette")
	d.Set("level", 3)
	b, _ := variant.Marshal(variant.Godot4, d)
	v, _ := variant.Unmarshal(variant.Godot4, b)
	for k, val := range v.(*variant.Dictionary).All() {
		fmt.Println(k, val)
	}
	// Output:
	// name Godette
	// level 3
}

func ExampleParseNodePath() {
	np := variant.ParseNodePath("/root/Player:position:x")
	fmt.Println(np.Names, np.SubNames, np.Absolute)
	fmt.Println(np)
	// Output:
	// [root Player] [position x] true
	// /root/Player:position:x
}
