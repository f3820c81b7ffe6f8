package enet

import (
	"strconv"
	"strings"
)

// PacketFlags are ENet packet flags (Godot ENetPacketPeer.FLAG_*).
type PacketFlags uint32

// Packet flags accepted by Peer.Send and Host.Broadcast.
const (
	// FlagReliable makes the packet reliable: resent until acknowledged and
	// delivered in order on its channel.
	FlagReliable PacketFlags = 1
	// FlagUnsequenced sends the packet unreliable and unsequenced.
	FlagUnsequenced PacketFlags = 2
	// FlagUnreliableFragment keeps a packet larger than the MTU unreliable
	// (its fragments may be dropped) instead of sending it reliably.
	FlagUnreliableFragment PacketFlags = 8

	allowedFlags = FlagReliable | FlagUnsequenced | FlagUnreliableFragment
)

// String lists the set flags, such as "FLAG_RELIABLE|FLAG_UNSEQUENCED", or
// "0" for plain unreliable sequenced.
func (f PacketFlags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for _, x := range []struct {
		f    PacketFlags
		name string
	}{{FlagReliable, "FLAG_RELIABLE"}, {FlagUnsequenced, "FLAG_UNSEQUENCED"},
		{4, "FLAG_NO_ALLOCATE"}, {FlagUnreliableFragment, "FLAG_UNRELIABLE_FRAGMENT"}} {
		if f&x.f != 0 {
			parts = append(parts, x.name)
			f &^= x.f
		}
	}
	if f != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(f), 16))
	}
	return strings.Join(parts, "|")
}
