package enet

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/variant"
)

func TestPutVarAndVar(t *testing.T) {
	p := newPair(t, 1)
	dict := variant.NewDictionary()
	dict.Set("hp", int64(100))
	dict.Set("pos", variant.Vector2{X: 1.5, Y: -2})
	for _, d := range []variant.Dialect{variant.Godot3, variant.Godot4} {
		require.NoError(t, p.cp.PutVar(d, []any{int64(7), "hi", dict}))
		ev, _ := receiveKeep(t, p)
		assert.Equal(t, 0, ev.Channel, "put_var goes on channel 0")
		assert.Equal(t, FlagReliable, ev.Flags)
		v, err := p.sp.Var(d)
		require.NoError(t, err)
		arr, ok := v.([]any)
		require.True(t, ok, "%T", v)
		assert.Equal(t, int64(7), arr[0])
		assert.Equal(t, "hi", arr[1])
		got := arr[2].(*variant.Dictionary)
		hp, _ := got.Get("hp")
		assert.Equal(t, int64(100), hp)
	}
	// Godot's example bytes: put_var(7) is 02 00 00 00 07 00 00 00.
	require.NoError(t, p.cp.PutVar(variant.Godot3, 7))
	receiveKeep(t, p)
	raw, err := p.sp.Packet()
	require.NoError(t, err)
	assert.Equal(t, []byte{2, 0, 0, 0, 7, 0, 0, 0}, raw)

	// Garbage does not decode.
	require.NoError(t, p.cp.PutPacket([]byte{0xff, 0, 0, 0}))
	receiveKeep(t, p)
	_, err = p.sp.Var(variant.Godot4)
	assert.ErrorIs(t, err, ErrInvalidData)
	assert.ErrorIs(t, err, variant.ErrUnknownType)

	// encode_buffer_max_size.
	assert.Equal(t, DefaultEncodeBufferMaxSize, p.cp.EncodeBufferMaxSize())
	require.NoError(t, p.cp.SetEncodeBufferMaxSize(1500))
	assert.Equal(t, 2048, p.cp.EncodeBufferMaxSize(), "rounded up to a power of two")
	assert.ErrorIs(t, p.cp.PutVar(variant.Godot4, make([]byte, 3000)), ErrOutOfMemory)
	assert.ErrorIs(t, p.cp.SetEncodeBufferMaxSize(100), ErrInvalidParameter)
	assert.ErrorIs(t, p.cp.PutVar(variant.Godot4, struct{}{}), ErrInvalidParameter)
	_, err = p.sp.Var(variant.Godot4)
	assert.ErrorIs(t, err, ErrUnavailable)
}

// receiveKeep pumps until the server gets a packet and leaves it queued.
func receiveKeep(t *testing.T, p *pair) (Event, int) {
	t.Helper()
	var got Event
	pumpUntil(t, 3e9, func(h *Host, ev Event) bool {
		if h == p.srv && ev.Type == EventReceive {
			got = ev
			return true
		}
		return false
	}, p.srv, p.cli)
	return got, p.sp.AvailablePacketCount()
}
