// Package enettest holds helpers shared by the reliability, hostile-input,
// load, lifetime and soak tests of package enet: a pump that services a
// host in a goroutine, a capturing UDP relay that can inject datagrams from
// a connected client's address, and builders of ENet wire datagrams.
//
// It does not import package enet (whose in-package tests use it, which
// would be an import cycle); the pump is generic over the event type, so
// callers pass a method value such as host.Service.
package enettest

import (
	"sync"
	"time"
)

// Pump calls a service function in a goroutine until Stop is called or the
// service function returns an error (normally because the host was
// destroyed), handing every result to a handler.
type Pump struct {
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	mu       sync.Mutex
	err      error
	services int
}

// PumpInterval is the timeout of each service call of a pump: short, so
// Stop returns quickly, while Sends still wake the service at once.
const PumpInterval = 10 * time.Millisecond

// StartPump starts servicing with service, calling handle with every event
// it returns (including empty ones, so handlers can do periodic work).
func StartPump[E any](service func(time.Duration) (E, error), handle func(E)) *Pump {
	p := &Pump{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			select {
			case <-p.stop:
				return
			default:
			}
			ev, err := service(PumpInterval)
			p.mu.Lock()
			p.services++
			p.mu.Unlock()
			if err != nil {
				p.mu.Lock()
				p.err = err
				p.mu.Unlock()
				return
			}
			handle(ev)
		}
	}()
	return p
}

// Stop stops the pump and waits for its goroutine to return. It is
// idempotent; the goroutine ends at the latest PumpInterval after Stop,
// plus the time its handler takes.
func (p *Pump) Stop() {
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

// Done is closed when the pump's goroutine has returned.
func (p *Pump) Done() <-chan struct{} { return p.done }

// Err returns the error that ended the pump, or nil.
func (p *Pump) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Services returns how many service calls the pump has made.
func (p *Pump) Services() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.services
}

// WaitFor polls cond every few milliseconds until it is true or timeout
// passes, and reports whether it became true.
func WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
