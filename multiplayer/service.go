package multiplayer

import (
	"slices"
	"sync"

	"github.com/enetgo/enet"
)

// service is the plumbing Server and Client share: the dialect, the event
// queue behind Events, and the service goroutine with its stop signal.
type service struct {
	d         Dialect
	q         *eventQueue
	stop      chan struct{} // closed by close: shut down
	done      chan struct{} // closed when the service goroutine returned
	closeOnce sync.Once
}

func (v *service) init(d Dialect) {
	v.d = d
	v.q = newEventQueue()
	v.stop = make(chan struct{})
	v.done = make(chan struct{})
}

// start runs run in the service goroutine; when it returns, the queue
// delivers what is left and then closes Events.
func (v *service) start(run func()) {
	go func() {
		defer close(v.done)
		defer v.q.end()
		run()
	}()
}

// stopping reports whether close was called.
func (v *service) stopping() bool {
	select {
	case <-v.stop:
		return true
	default:
		return false
	}
}

// close stops the service goroutine (which shuts down gracefully), waits
// for it, and stops event delivery. It is idempotent.
func (v *service) close() {
	v.closeOnce.Do(func() {
		close(v.stop)
		<-v.done
		v.q.stop()
	})
}

// deliver queues a received packet with data copied out of ENet's buffer.
func (v *service) deliver(from int32, ev enet.Event, data []byte) {
	v.q.push(Packet{
		From:        from,
		Channel:     v.d.impl().transferChannel(ev.Channel),
		ENetChannel: ev.Channel,
		Mode:        modeOf(ev.Flags),
		Data:        slices.Clone(data),
	})
}
