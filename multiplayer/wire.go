package multiplayer

import "encoding/binary"

// Godot 3 NetworkedMultiplayerENet framing (facts §5.3).
const (
	// g3HeaderSize is the [source u32][target i32] prefix of data packets.
	g3HeaderSize = 8
	// g3SysAddPeer and g3SysRemovePeer are SYSMSG_ADD_PEER/REMOVE_PEER.
	g3SysAddPeer    = 0
	g3SysRemovePeer = 1
)

// Godot 4 SceneMultiplayer framing (facts §5.2).
const (
	g4CmdMask   = 7
	g4CmdRaw    = 3
	g4CmdSys    = 7
	g4SysSize   = 6 // [7][syscmd][peer i32]
	g4SysAuth   = 0
	g4SysAdd    = 1
	g4SysDel    = 2
	g4SysRelay  = 3
	g3CmdRaw    = 4 // Godot 3 MultiplayerAPI NETWORK_COMMAND_RAW
	rawMinBytes = 2 // both versions drop RAW packets shorter than this
)

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

// RawCommand returns the byte the dialect's MultiplayerAPI puts in front of
// a send_bytes payload: 4 (NETWORK_COMMAND_RAW) for Godot 3, 3 for Godot 4's
// SceneMultiplayer.
func (d Dialect) RawCommand() byte {
	if d == Godot3 {
		return g3CmdRaw
	}
	return g4CmdRaw
}

// AppendRaw appends to dst the packet Godot's MultiplayerAPI.send_bytes
// would send for payload: the dialect's RawCommand byte, then payload.
// Godot refuses an empty payload; so does Server.SendBytes.
func AppendRaw(dst []byte, d Dialect, payload []byte) []byte {
	dst = append(dst, d.RawCommand())
	return append(dst, payload...)
}

// DecodeRaw returns the payload of a RAW packet as GDScript's
// network_peer_packet (Godot 3) or peer_packet (Godot 4) signal would
// receive it, aliasing data. ok is false if data is not a RAW packet or is
// shorter than 2 bytes, which Godot drops.
func DecodeRaw(d Dialect, data []byte) (payload []byte, ok bool) {
	if len(data) < rawMinBytes {
		return nil, false
	}
	if d == Godot3 {
		ok = data[0] == g3CmdRaw
	} else {
		ok = data[0]&g4CmdMask == g4CmdRaw
	}
	if !ok {
		return nil, false
	}
	return data[1:], true
}
