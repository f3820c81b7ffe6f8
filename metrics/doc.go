// Package metrics exports the statistics of an [enet.Host] and its peers
// through the standard library's expvar, with no other dependency.
//
// [Snapshot] reads a host's counters and every peer's state, round-trip
// time, packet loss, throttle and traffic into a [HostSnapshot], a plain
// struct that encodes to JSON. It reads the counters with Host.Statistic,
// which does not reset them; code that calls Host.PopStatistic on the same
// host resets what Snapshot reports. [Publish] registers an expvar.Func
// that takes a snapshot each time /debug/vars is read.
//
// A Prometheus collector over the same snapshot lives in the nested module
// github.com/enetgo/enet/metrics/prometheus, so that this module does not
// depend on client_golang.
package metrics
