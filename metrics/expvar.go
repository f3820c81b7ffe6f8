package metrics

import (
	"expvar"

	"github.com/enetgo/enet"
)

// Publish registers an expvar.Func named name that returns Snapshot(h)
// each time it is read, for example by the /debug/vars handler that
// importing expvar installs on http.DefaultServeMux. Like expvar.Publish,
// it panics if name is already registered.
func Publish(name string, h *enet.Host) {
	expvar.Publish(name, Func(h))
}

// Func returns the expvar.Func that Publish registers, for callers that
// publish it themselves, for example inside an expvar.Map.
func Func(h *enet.Host) expvar.Func {
	return func() any { return Snapshot(h) }
}
