package multiplayer

import (
	"encoding/binary"
	"slices"

	"github.com/enetgo/enet"
)

// godot4 is Godot 4's ENetMultiplayerPeer with SceneMultiplayer's SYS layer
// (see docs/multiplayer.md): no header, reliable traffic
// on ENet channel 0, unreliable on 1, custom channel N on N+1, and peer
// lists, relaying and authentication as [7][cmd][peer i32] SYS packets.
type godot4 struct{}

// Godot 4 channel layout and framing.
const (
	g4ChannelReliable   = 0 // SYSCH_RELIABLE
	g4ChannelUnreliable = 1 // SYSCH_UNRELIABLE
	g4SystemChannels    = 2 // SYSCH_MAX

	g4CmdMask  = 7
	g4CmdRaw   = 3
	g4CmdSys   = 7
	g4SysSize  = 6 // [7][syscmd][peer i32]
	g4SysAuth  = 0
	g4SysAdd   = 1
	g4SysDel   = 2
	g4SysRelay = 3
)

// channels: n is the number of custom transfer channels, 0 meaning all 253
// (ENet's 255 channels).
func (godot4) channels(op string, n int) (int, int, error) {
	if n == 0 {
		return 0, enet.MaxChannels - g4SystemChannels + 1, nil
	}
	if n < 0 || n > enet.MaxChannels-g4SystemChannels {
		return 0, 0, opError(op, enet.ErrInvalidParameter, "Godot 4 channel count %d outside 0..253", n)
	}
	return n + g4SystemChannels, n + 1, nil
}

func (godot4) auth() bool { return true }

func (godot4) wireFor(mode TransferMode, ch int) (int, enet.PacketFlags) {
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

// transferChannel: get_packet_channel maps the system channels to 0 too.
func (godot4) transferChannel(enetCh int) int {
	if enetCh < g4SystemChannels {
		return 0
	}
	return enetCh - g4SystemChannels + 1
}

func (godot4) rawCommand() byte    { return g4CmdRaw }
func (godot4) isRaw(b []byte) bool { return b[0]&g4CmdMask == g4CmdRaw }

// frame: the server sends directly; a client sends packets for anyone but
// the server through the server's relay.
func (godot4) frame(from, target int32, data []byte) []byte {
	if from == 1 || target == 1 {
		return data
	}
	return g4Sys(g4SysRelay, target, data)
}

func (godot4) peerMsg(add bool, id int32) (int, []byte) {
	cmd := byte(g4SysDel)
	if add {
		cmd = g4SysAdd
	}
	return g4ChannelReliable, g4Sys(cmd, id, nil)
}

func (godot4) disconnectData(int32) uint32 { return 0 }

func (godot4) serverReceive(s *Server, id int32, ev enet.Event) { s.receive4(id, ev) }
func (godot4) clientReceive(c *Client, ev enet.Event)           { c.receive4(ev) }

// g4Sys returns a SceneMultiplayer SYS packet [7][cmd][peer i32] + data.
func g4Sys(cmd byte, peer int32, data []byte) []byte {
	b := make([]byte, g4SysSize+len(data))
	b[0], b[1] = g4CmdSys, cmd
	binary.LittleEndian.PutUint32(b[2:], uint32(peer))
	copy(b[g4SysSize:], data)
	return b
}

// g4ParseSys splits a SYS packet; ok is false if b is not one.
func g4ParseSys(b []byte) (cmd byte, peer int32, rest []byte, ok bool) {
	if len(b) < g4SysSize || b[0]&g4CmdMask != g4CmdSys {
		return 0, 0, nil, false
	}
	return b[1], int32(binary.LittleEndian.Uint32(b[2:])), b[g4SysSize:], true
}

// receive4 applies SceneMultiplayer's server rules: SYS packets are
// consumed (RELAY is relayed), everything else is delivered.
func (s *Server) receive4(id int32, ev enet.Event) {
	if len(ev.Packet) == 0 {
		return
	}
	if ev.Packet[0]&g4CmdMask != g4CmdSys {
		s.deliver(id, ev, ev.Packet)
		return
	}
	cmd, target, inner, ok := g4ParseSys(ev.Packet)
	if !ok || cmd != g4SysRelay || !s.relay || len(inner) == 0 {
		return // AUTH without an auth callback, or clients sending ADD/DEL
	}
	processInner := target != -1 && inner[0]&g4CmdMask != g4CmdSys // SYS is never processed relayed
	if target > 0 && s.byID[target] == nil {
		return
	}
	// Rewrite the target as the source and relay with the same mode and
	// channel, as SceneMultiplayer does.
	out := slices.Clone(ev.Packet)
	binary.LittleEndian.PutUint32(out[2:], uint32(id))
	flags := sendFlags(ev.Flags)
	if target > 0 {
		s.byID[target].Send(ev.Channel, out, flags)
		return
	}
	s.sendLocked(target, id, out, ev.Channel, flags)
	if processInner {
		s.deliver(id, ev, inner)
	}
}

// receive4 applies SceneMultiplayer's client rules: SYS ADD_PEER, DEL_PEER
// and RELAY from the server are consumed, everything else comes from 1.
func (c *Client) receive4(ev enet.Event) {
	if len(ev.Packet) == 0 {
		return
	}
	c.mu.Lock()
	if a := c.pending; a != nil {
		admit, process, err := a.receive(c.auth, ev.Packet)
		switch {
		case err != nil:
			c.rejectLocked()
		case admit:
			c.admitLocked()
		}
		if !process {
			c.mu.Unlock()
			return
		}
	}
	c.mu.Unlock()
	cmd, peer, inner, ok := g4ParseSys(ev.Packet)
	if !ok {
		if ev.Packet[0]&g4CmdMask != g4CmdSys {
			c.deliver(1, ev, ev.Packet)
		}
		return
	}
	switch cmd {
	case g4SysAdd:
		c.peerEvent(true, peer)
	case g4SysDel:
		c.peerEvent(false, peer)
	case g4SysRelay:
		// Godot processes the inner packet as a normal one, so an inner
		// SYS command is invalid.
		if len(inner) > 0 && inner[0]&g4CmdMask != g4CmdSys {
			c.deliver(peer, ev, inner)
		}
	}
}
