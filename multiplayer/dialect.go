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

// dialect is everything that differs between the two protocols: godot3.go
// and godot4.go each implement it, and Dialect.impl picks one. The rest of
// the package is the same for both.
type dialect interface {
	// channels checks a configured channel count n (ServerConfig.Channels,
	// ClientConfig.Channels) and returns the ENet channel count to create
	// and request (0 meaning ENet's 255) and the number of valid transfer
	// channels.
	channels(op string, n int) (enetChannels, transfer int, err error)
	// auth reports whether SceneMultiplayer's authentication exists.
	auth() bool
	// wireFor returns the ENet channel and flags a packet of mode on
	// transfer channel ch (0 = the mode's default channel) is sent with, as
	// Godot's put_packet chooses them.
	wireFor(mode TransferMode, ch int) (int, enet.PacketFlags)
	// transferChannel maps a received ENet channel back to the transfer
	// channel a sender would have passed to Send: the system channels map
	// to 0.
	transferChannel(enetCh int) int
	// rawCommand is the byte MultiplayerAPI puts in front of a send_bytes
	// payload; isRaw reports whether a packet of at least 2 bytes starts
	// with it.
	rawCommand() byte
	isRaw(b []byte) bool
	// frame wraps data sent by from (1 for the server) to target.
	frame(from, target int32, data []byte) []byte
	// peerMsg returns the add-peer (add) or remove-peer message about id
	// and the ENet channel it goes on, reliably.
	peerMsg(add bool, id int32) (enetCh int, msg []byte)
	// disconnectData is the data of the disconnection a peer with id self
	// sends when it closes.
	disconnectData(self int32) uint32
	// serverReceive and clientReceive apply the dialect's rules to a packet
	// a Server got from client id, or a Client got from the server.
	serverReceive(s *Server, id int32, ev enet.Event)
	clientReceive(c *Client, ev enet.Event)
}

// impl returns d's implementation; any value but Godot3 behaves as Godot4,
// as the exported functions taking a Dialect always did.
func (d Dialect) impl() dialect {
	if d == Godot3 {
		return godot3{}
	}
	return godot4{}
}

// wireFor is the implementation's wireFor.
func (d Dialect) wireFor(mode TransferMode, ch int) (int, enet.PacketFlags) {
	return d.impl().wireFor(mode, ch)
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
