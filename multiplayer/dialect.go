package multiplayer

import (
	"fmt"

	"github.com/enetgo/enet"
)

// Dialect selects which Godot high-level multiplayer protocol a Server or
// Client speaks on top of ENet.
type Dialect int

const (
	// Godot3 is Godot 3.2's NetworkedMultiplayerENet: an 8-byte
	// source/target header on every data packet, 8-byte ADD_PEER /
	// REMOVE_PEER system messages on ENet channel 0, reliable traffic on
	// channel 1 and unreliable traffic on channel 2.
	Godot3 Dialect = 3
	// Godot4 is Godot 4's ENetMultiplayerPeer with SceneMultiplayer's SYS
	// layer: no header, reliable traffic on ENet channel 0, unreliable on
	// channel 1, custom channel N on ENet channel N+1, and peer lists and
	// relaying as [7][cmd][id] SYS packets.
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
	return fmt.Sprintf("Dialect(%d)", int(d))
}

func (d Dialect) valid() bool { return d == Godot3 || d == Godot4 }

// TransferMode is how a packet is delivered, numbered as Godot's
// MultiplayerPeer.TransferMode (TRANSFER_MODE_*).
type TransferMode int

const (
	// Unreliable packets may be lost or arrive out of order
	// (TRANSFER_MODE_UNRELIABLE, 0).
	Unreliable TransferMode = 0
	// UnreliableOrdered packets may be lost, and late ones are dropped
	// (TRANSFER_MODE_UNRELIABLE_ORDERED, 1).
	UnreliableOrdered TransferMode = 1
	// Reliable packets are resent until acknowledged and arrive in order
	// on their channel (TRANSFER_MODE_RELIABLE, 2).
	Reliable TransferMode = 2
)

// String returns the Godot name of the mode, such as
// "TRANSFER_MODE_RELIABLE".
func (m TransferMode) String() string {
	switch m {
	case Unreliable:
		return "TRANSFER_MODE_UNRELIABLE"
	case UnreliableOrdered:
		return "TRANSFER_MODE_UNRELIABLE_ORDERED"
	case Reliable:
		return "TRANSFER_MODE_RELIABLE"
	}
	return fmt.Sprintf("TransferMode(%d)", int(m))
}

func (m TransferMode) valid() bool { return m >= Unreliable && m <= Reliable }

// Channel layout of each dialect (facts §5.1 and §5.3).
const (
	g3ChannelConfig     = 0 // SYSCH_CONFIG
	g3ChannelReliable   = 1 // SYSCH_RELIABLE
	g3ChannelUnreliable = 2 // SYSCH_UNRELIABLE
	g3DefaultChannels   = 3 // SYSCH_MAX, Godot 3's default channel_count

	g4ChannelReliable   = 0 // SYSCH_RELIABLE
	g4ChannelUnreliable = 1 // SYSCH_UNRELIABLE
	g4SystemChannels    = 2 // SYSCH_MAX
)

// wireFor returns the ENet channel and flags a packet of mode on transfer
// channel ch (0 = the mode's default channel) is sent with, as Godot's
// put_packet chooses them.
func (d Dialect) wireFor(mode TransferMode, ch int) (int, enet.PacketFlags) {
	if d == Godot3 {
		var flags enet.PacketFlags
		enetCh := g3ChannelUnreliable
		switch mode {
		case Reliable:
			flags, enetCh = enet.FlagReliable, g3ChannelReliable
		case Unreliable:
			flags = enet.FlagUnsequenced
		}
		if ch > 0 {
			enetCh = ch
		}
		return enetCh, flags
	}
	var flags enet.PacketFlags
	enetCh := g4ChannelUnreliable
	switch mode {
	case Reliable:
		flags, enetCh = enet.FlagReliable, g4ChannelReliable
	case Unreliable:
		flags = enet.FlagUnsequenced | enet.FlagUnreliableFragment
	default:
		flags = enet.FlagUnreliableFragment
	}
	if ch > 0 {
		enetCh = ch + g4SystemChannels - 1
	}
	return enetCh, flags
}

// transferChannel maps a received ENet channel back to the transfer channel
// a sender would have passed to Send: the dialect's system channels map to
// 0 (Godot 4's get_packet_channel does the same).
func (d Dialect) transferChannel(enetCh int) int {
	if d == Godot3 {
		if enetCh < g3DefaultChannels {
			return 0
		}
		return enetCh
	}
	if enetCh < g4SystemChannels {
		return 0
	}
	return enetCh - g4SystemChannels + 1
}

// modeOf derives the transfer mode from received ENet flags, as Godot's
// get_packet_mode does.
func modeOf(flags enet.PacketFlags) TransferMode {
	switch {
	case flags&enet.FlagReliable != 0:
		return Reliable
	case flags&enet.FlagUnsequenced != 0:
		return Unreliable
	}
	return UnreliableOrdered
}

// sendFlags keeps the flags Peer.Send accepts from a received packet's flags,
// for relaying a packet unchanged.
func sendFlags(f enet.PacketFlags) enet.PacketFlags {
	return f & (enet.FlagReliable | enet.FlagUnsequenced | enet.FlagUnreliableFragment)
}
