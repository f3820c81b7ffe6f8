package multiplayer

import (
	"encoding/binary"

	"github.com/enetgo/enet"
)

// godot3 is Godot 3's NetworkedMultiplayerENet (see
// docs/multiplayer.md): an 8-byte [source u32][target i32] header on every
// data packet, system messages on ENet channel 0, and the server relays by
// the header's target.
type godot3 struct{}

// Godot 3 channel layout and framing.
const (
	g3ChannelConfig     = 0 // SYSCH_CONFIG
	g3ChannelReliable   = 1 // SYSCH_RELIABLE
	g3ChannelUnreliable = 2 // SYSCH_UNRELIABLE
	g3DefaultChannels   = 3 // SYSCH_MAX, Godot 3's default channel_count

	g3HeaderSize    = 8 // [source u32][target i32]
	g3SysAddPeer    = 0 // SYSMSG_ADD_PEER
	g3SysRemovePeer = 1 // SYSMSG_REMOVE_PEER
	g3CmdRaw        = 4 // MultiplayerAPI NETWORK_COMMAND_RAW
)

// channels: n is the total channel_count, at least 3, 0 meaning 3.
func (godot3) channels(op string, n int) (int, int, error) {
	if n == 0 {
		n = g3DefaultChannels
	}
	if n < g3DefaultChannels || n > enet.MaxChannels {
		return 0, 0, opError(op, enet.ErrInvalidParameter, "Godot 3 channel count %d outside 3..255", n)
	}
	return n, n, nil
}

func (godot3) auth() bool { return false }

func (godot3) wireFor(mode TransferMode, ch int) (int, enet.PacketFlags) {
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

func (godot3) transferChannel(enetCh int) int {
	if enetCh < g3DefaultChannels {
		return 0
	}
	return enetCh
}

func (godot3) rawCommand() byte    { return g3CmdRaw }
func (godot3) isRaw(b []byte) bool { return b[0] == g3CmdRaw }

func (godot3) frame(from, target int32, data []byte) []byte {
	return g3Header(uint32(from), target, data)
}

func (godot3) peerMsg(add bool, id int32) (int, []byte) {
	msg := uint32(g3SysRemovePeer)
	if add {
		msg = g3SysAddPeer
	}
	return g3ChannelConfig, g3SysMsg(msg, id)
}

// disconnectData: Godot 3's close_connection sends the closer's id.
func (godot3) disconnectData(self int32) uint32 { return uint32(self) }

func (godot3) serverReceive(s *Server, id int32, ev enet.Event) { s.receive3(id, ev) }
func (godot3) clientReceive(c *Client, ev enet.Event)           { c.receive3(ev) }

// g3Header returns the 8-byte Godot 3 header followed by data.
func g3Header(source uint32, target int32, data []byte) []byte {
	b := make([]byte, g3HeaderSize+len(data))
	binary.LittleEndian.PutUint32(b, source)
	binary.LittleEndian.PutUint32(b[4:], uint32(target))
	copy(b[g3HeaderSize:], data)
	return b
}

// g3ParseHeader splits a Godot 3 data packet; ok is false below 8 bytes.
func g3ParseHeader(b []byte) (source uint32, target int32, payload []byte, ok bool) {
	if len(b) < g3HeaderSize {
		return 0, 0, nil, false
	}
	return binary.LittleEndian.Uint32(b), int32(binary.LittleEndian.Uint32(b[4:])), b[g3HeaderSize:], true
}

// g3SysMsg returns a Godot 3 system message [msg u32][id u32].
func g3SysMsg(msg uint32, id int32) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, msg)
	binary.LittleEndian.PutUint32(b[4:], uint32(id))
	return b
}

// receive3 applies NetworkedMultiplayerENet's server rules: no client
// traffic on channel 0, at least 8 bytes, the true source, and the relay
// table for targets 1, 0, -N and N.
func (s *Server) receive3(id int32, ev enet.Event) {
	if ev.Channel == g3ChannelConfig {
		return
	}
	src, target, payload, ok := g3ParseHeader(ev.Packet)
	if !ok || src != uint32(id) {
		return
	}
	flags := sendFlags(ev.Flags)
	switch {
	case target == 1:
		s.deliver(id, ev, payload)
	case !s.relay:
	case target == 0:
		s.deliver(id, ev, payload)
		s.sendLocked(0, id, ev.Packet, ev.Channel, flags)
	case target < 0:
		s.sendLocked(target, id, ev.Packet, ev.Channel, flags)
		if target != -1 {
			s.deliver(id, ev, payload)
		}
	default:
		if p := s.byID[target]; p != nil {
			p.Send(ev.Channel, ev.Packet, flags)
		}
	}
}

// receive3 applies NetworkedMultiplayerENet's client rules: system messages
// on channel 0, at least 8 bytes on the data channels, the source taken
// from the header.
func (c *Client) receive3(ev enet.Event) {
	if ev.Channel == g3ChannelConfig {
		src, target, _, ok := g3ParseHeader(ev.Packet)
		if !ok {
			return
		}
		// [msg u32][id u32] has the header's layout.
		switch src {
		case g3SysAddPeer:
			c.peerEvent(true, target)
		case g3SysRemovePeer:
			c.peerEvent(false, target)
		}
		return
	}
	src, _, payload, ok := g3ParseHeader(ev.Packet)
	if !ok {
		return
	}
	c.deliver(int32(src), ev, payload)
}
