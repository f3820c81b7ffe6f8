package multiplayer

import "sync"

// Event is what Server.Events and Client.Events deliver: a PeerJoined,
// a PeerLeft, a Packet or an AuthFailed.
type Event interface {
	// PeerID returns the peer the event is about: the joining or leaving
	// peer, or a packet's source.
	PeerID() int32
}

// PeerJoined reports a peer that joined (Godot's peer_connected signal).
// On a Client, ID 1 is the server, reported once the connection is up;
// other IDs come from the server's ADD_PEER messages.
type PeerJoined struct {
	// ID is the peer's unique id.
	ID int32
}

// PeerLeft reports a peer that left (Godot's peer_disconnected signal).
// On a Client, ID 1 means the connection to the server is gone; it is the
// last event before the channel closes.
type PeerLeft struct {
	// ID is the peer's unique id.
	ID int32
}

// Packet is a received data packet (Godot's get_packet with
// get_packet_peer, get_packet_channel and get_packet_mode).
type Packet struct {
	// From is the true source: the sending client on a Server, or on a
	// Client the header's source (Godot 3) or the relayed source (Godot 4),
	// 1 for the server itself.
	From int32
	// Channel is the transfer channel the sender passed to Send: 0 for
	// the dialect's default channels (ENet channels 1 and 2 for Godot 3,
	// 0 and 1 for Godot 4), otherwise the custom channel.
	Channel int
	// ENetChannel is the ENet channel the packet arrived on.
	ENetChannel int
	// Mode is derived from the ENet flags, as Godot's get_packet_mode. An
	// unreliable packet larger than the MTU reads as Reliable in the Godot3
	// dialect (it travels as reliable fragments) and as UnreliableOrdered in
	// Godot4 (unreliable fragments carry only the fragment flag).
	Mode TransferMode
	// Data is the payload without the dialect's framing. It is owned by
	// the receiver.
	Data []byte
}

// PeerID returns ID.
func (e PeerJoined) PeerID() int32 { return e.ID }

// PeerID returns ID.
func (e PeerLeft) PeerID() int32 { return e.ID }

// PeerID returns From.
func (e Packet) PeerID() int32 { return e.From }

// eventQueue is an unbounded queue between the service goroutine, which must
// never block on a slow reader, and the Events channel, fed by pump.
type eventQueue struct {
	mu     sync.Mutex
	items  []Event
	ended  bool          // no more pushes; pump closes out once drained
	notify chan struct{} // capacity 1: "items or ended changed"
	out    chan Event
	quit   chan struct{} // closed by Close: stop delivering
	done   chan struct{} // closed when pump returns
}

func newEventQueue() *eventQueue {
	q := &eventQueue{
		notify: make(chan struct{}, 1),
		out:    make(chan Event),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go q.pump()
	return q
}

func (q *eventQueue) push(e Event) {
	q.mu.Lock()
	if !q.ended {
		q.items = append(q.items, e)
	}
	q.mu.Unlock()
	q.wake()
}

// end marks the queue finished: pump delivers what is queued, then closes
// the channel.
func (q *eventQueue) end() {
	q.mu.Lock()
	q.ended = true
	q.mu.Unlock()
	q.wake()
}

func (q *eventQueue) wake() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// stop makes pump return at once, dropping undelivered events, and waits
// for it.
func (q *eventQueue) stop() {
	q.mu.Lock()
	select {
	case <-q.quit:
	default:
		close(q.quit)
	}
	q.mu.Unlock()
	<-q.done
}

func (q *eventQueue) pump() {
	defer close(q.done)
	defer close(q.out)
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			ended := q.ended
			q.mu.Unlock()
			if ended {
				return
			}
			select {
			case <-q.notify:
			case <-q.quit:
				return
			}
			continue
		}
		e := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		q.mu.Unlock()
		select {
		case q.out <- e:
		case <-q.quit:
			return
		}
	}
}
