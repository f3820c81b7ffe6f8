package multiplayer

// rawMinBytes: both versions drop RAW packets shorter than this.
const rawMinBytes = 2

// RawCommand returns the byte the dialect's MultiplayerAPI puts in front of
// a send_bytes payload: 4 (NETWORK_COMMAND_RAW) for Godot 3, 3 for Godot 4's
// SceneMultiplayer.
func (d Dialect) RawCommand() byte { return d.impl().rawCommand() }

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
	if len(data) < rawMinBytes || !d.impl().isRaw(data) {
		return nil, false
	}
	return data[1:], true
}
