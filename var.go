package enet

import (
	"math/bits"

	"github.com/enetgo/enet/variant"
)

// Limits of PacketPeer's encode_buffer_max_size.
const (
	// DefaultEncodeBufferMaxSize is Godot's default encode_buffer_max_size.
	DefaultEncodeBufferMaxSize = 8 << 20
	minEncodeBufferMaxSize     = 1024
	maxEncodeBufferMaxSize     = 256 << 20
)

// PutVar encodes v in Godot's binary Variant format of dialect d and sends
// it reliably on channel 0, as PacketPeer.put_var does (objects go as
// instance ids). It returns ErrOutOfMemory if the encoding is larger than
// EncodeBufferMaxSize, and ErrInvalidParameter if v has no Variant
// encoding (see package variant for the Go to Godot type mapping).
func (p *Peer) PutVar(d variant.Dialect, v any) error {
	const op = "put var"
	b, err := variant.Marshal(d, v)
	if err != nil {
		return &OpError{Op: op, Err: ErrInvalidParameter, Cause: err}
	}
	if max := p.EncodeBufferMaxSize(); len(b) > max {
		return opError(op, ErrOutOfMemory, "encoded value of %d bytes exceeds encode buffer max size %d", len(b), max)
	}
	return p.PutPacket(b)
}

// Var takes the next queued packet and decodes it as a Variant of dialect d,
// as PacketPeer.get_var does (objects only as instance ids). Errors are
// those of Packet, or ErrInvalidData wrapping the variant package's error.
// Bytes after the value are ignored, as in Godot.
func (p *Peer) Var(d variant.Dialect) (any, error) {
	b, err := p.Packet()
	if err != nil {
		return nil, err
	}
	v, _, err := variant.UnmarshalPrefix(d, b)
	if err != nil {
		return nil, &OpError{Op: "var", Err: ErrInvalidData, Cause: err}
	}
	return v, nil
}

// SetEncodeBufferMaxSize sets the largest encoding PutVar sends (Godot's
// encode_buffer_max_size): 1 KiB to 256 MiB, rounded up to a power of two.
func (p *Peer) SetEncodeBufferMaxSize(n int) error {
	if n < minEncodeBufferMaxSize || n > maxEncodeBufferMaxSize {
		return opError("set encode buffer max size", ErrInvalidParameter, "%d outside %d..%d", n, minEncodeBufferMaxSize, maxEncodeBufferMaxSize)
	}
	rounded := 1 << bits.Len(uint(n-1))
	p.h.mu.Lock()
	p.encodeMax = rounded
	p.h.mu.Unlock()
	return nil
}

// EncodeBufferMaxSize returns the largest encoding PutVar sends.
func (p *Peer) EncodeBufferMaxSize() int {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	if p.encodeMax == 0 {
		return DefaultEncodeBufferMaxSize
	}
	return p.encodeMax
}
