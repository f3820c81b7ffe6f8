package scene

// Replication is a decoded Godot 4 SPAWN, DESPAWN or SYNC message
// (Spawn, Despawn, Sync).
type Replication interface {
	// Peer returns the sender.
	Peer() int32
}

func (m *Multiplayer) receiveReplication(from int32, data []byte) error {
	return nil
}
