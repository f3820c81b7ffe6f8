package enet

// Waiting for work: the sleep in C, waking a sleeping Service, and the
// periodic yield to the scheduler.

import (
	"runtime"
	"time"
)

// wait sleeps until the socket is readable, a Send or Destroy wakes it,
// deadline passes, or, with hint >= 0, ENet's timers need a service after
// hint. It reports false, without sleeping, once deadline has passed.
//
// It sleeps in C, in ppoll(2) on the socket and the host's eventfd, as a C
// ENet program sleeps in enet_host_service, with busy polling first when
// HostConfig.BusyPoll asks for it. Parking the goroutine in Go's netpoller
// instead idles every P when the host is the process's only work, and the
// next system call then wakes the runtime's sysmon thread, which ticks
// every 20 µs for a millisecond before it backs off again (DESIGN.md, "The
// wait"). A goroutine asleep in C keeps its P; sysmon hands it to runnable
// goroutines after a tick.
func (h *Host) wait(deadline time.Time, hint time.Duration) bool {
	d := time.Until(deadline)
	if d <= 0 {
		return false
	}
	if hint >= 0 && hint < d {
		d = hint
	}
	h.waiting.Store(true)
	// Dekker with wakeService: either this sees its wake flag, or it sees
	// waiting and writes the eventfd, which persists until the wait reads
	// it.
	if !h.wake.Swap(false) && !h.closing.Load() {
		waitFDs(h.sockFD, h.wakeFD, d, h.busyPoll)
	}
	h.waiting.Store(false)
	h.wake.Store(false)
	return true
}

// wakeService makes a Service waiting in another goroutine serve at once,
// so packets queued by Send go out without waiting for its timeout. At
// most one wake-up per wait; the eventfd is written under h.mu, so never
// after Destroy closed it.
func (h *Host) wakeService() {
	// Plain loads first: a Send on the service goroutine itself, the
	// common case, then costs no locked instruction.
	if !h.wake.Load() {
		h.wake.Store(true)
	}
	if h.waiting.Load() && h.waiting.CompareAndSwap(true, false) {
		h.mu.Lock()
		if h.c != nil {
			hostWake(h.c)
		}
		h.mu.Unlock()
	}
}

// yieldEvery is how often a Service that drains batches passes through
// the scheduler.
const yieldEvery = 5 * time.Millisecond

// yield calls runtime.Gosched if a drain found it due. A goroutine that only runs cgo calls and sleeps in C never passes
// through the scheduler, so after 10 ms sysmon takes it for a CPU hog: it
// preempts it at every tick and takes its P away during every C call,
// waking another thread each time. Yielding every few milliseconds shows
// sysmon it is not (DESIGN.md, "Yield every 5 ms"). svcMu is held, h.mu is
// not.
func (h *Host) yield() {
	if h.yieldDue {
		h.yieldDue = false
		runtime.Gosched()
	}
}
