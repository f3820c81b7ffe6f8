package enet

// EventType is the kind of an Event, numbered as Godot's
// ENetConnection.EventType.
type EventType int

// Event types (Godot ENetConnection.EVENT_*).
const (
	// EventError is Godot's EVENT_ERROR. This package counts and survives
	// service failures (see HostServiceErrors) instead of returning it.
	EventError EventType = -1
	// EventNone means nothing happened before the timeout.
	EventNone EventType = 0
	// EventConnect means a connection completed.
	EventConnect EventType = 1
	// EventDisconnect means a peer disconnected or timed out.
	EventDisconnect EventType = 2
	// EventReceive means a packet arrived.
	EventReceive EventType = 3
)

// String returns the Godot name of the event type, such as "EVENT_RECEIVE".
func (t EventType) String() string {
	if t == EventError {
		return "EVENT_ERROR"
	}
	return enumName([]string{"EVENT_NONE", "EVENT_CONNECT", "EVENT_DISCONNECT", "EVENT_RECEIVE"},
		int(t), "EventType")
}

// Event is what Host.Service returns: Godot's service() array
// [type, peer, data, channel] as a struct.
type Event struct {
	// Type is the kind of event.
	Type EventType
	// Peer is the peer concerned; nil for EventNone.
	Peer *Peer
	// Data is the connect data (EventConnect) or disconnect data
	// (EventDisconnect) sent by the remote side.
	Data uint32
	// Channel is the channel an EventReceive packet arrived on.
	Channel int
	// Flags are an EventReceive packet's ENet flags (see PacketFlags).
	Flags PacketFlags
	// Packet is the received data when the event came from
	// Host.ServiceInto; nil from Host.Service, which queues the packet on
	// Peer instead (read it with Peer.Packet).
	Packet []byte
	// Err explains an EventDisconnect of a peer whose outgoing connection
	// never completed; it wraps ErrConnectFailed. Nil otherwise.
	Err error
}
