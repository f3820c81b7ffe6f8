package enettest

import (
	"encoding/binary"
	"math/rand/v2"
)

// ENet 1.3.17 protocol constants (enet/protocol.h), for crafting datagrams.
const (
	CmdAcknowledge            = 1
	CmdConnect                = 2
	CmdVerifyConnect          = 3
	CmdDisconnect             = 4
	CmdPing                   = 5
	CmdSendReliable           = 6
	CmdSendUnreliable         = 7
	CmdSendFragment           = 8
	CmdSendUnsequenced        = 9
	CmdBandwidthLimit         = 10
	CmdThrottleConfigure      = 11
	CmdSendUnreliableFragment = 12

	FlagAcknowledge = 1 << 7 // command flag: the receiver must acknowledge

	HeaderFlagCompressed = 1 << 14
	HeaderFlagSentTime   = 1 << 15
	HeaderSessionShift   = 12
	HeaderSessionMask    = 3 << HeaderSessionShift
	MaximumPeerID        = 0x0FFF
	MaximumFragmentCount = 1024 * 1024
	MaximumMTU           = 4096 // datagrams above this make 1.3.17's service fail
)

// HeaderOf returns the peer-id field of a captured datagram (peer id and
// session bits, without the sent-time and compressed flags), and whether
// the datagram is long enough to have one.
func HeaderOf(datagram []byte) (uint16, bool) {
	if len(datagram) < 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(datagram) &^ (HeaderFlagSentTime | HeaderFlagCompressed), true
}

// Header builds a protocol header with a sent time for peer id and session.
func Header(peerID uint16, session uint8, sentTime uint16) []byte {
	field := peerID&MaximumPeerID | uint16(session&3)<<HeaderSessionShift | HeaderFlagSentTime
	return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, field), sentTime)
}

// AppendCommandHeader appends a command header: command (with flags),
// channel and reliable sequence number.
func AppendCommandHeader(b []byte, command, channel uint8, reliableSeq uint16) []byte {
	b = append(b, command, channel)
	return binary.BigEndian.AppendUint16(b, reliableSeq)
}

// Fragment describes one SEND_FRAGMENT command.
type Fragment struct {
	Channel       uint8
	ReliableSeq   uint16
	StartSeq      uint16
	FragmentCount uint32
	FragmentNum   uint32
	TotalLength   uint32
	Offset        uint32
	Data          []byte
	// DataLength overrides the declared data length when non-zero, to lie
	// about it.
	DataLength uint16
}

// AppendFragment appends a SEND_FRAGMENT command (acknowledge flag set).
func AppendFragment(b []byte, f Fragment) []byte {
	b = AppendCommandHeader(b, CmdSendFragment|FlagAcknowledge, f.Channel, f.ReliableSeq)
	n := f.DataLength
	if n == 0 {
		n = uint16(len(f.Data))
	}
	b = binary.BigEndian.AppendUint16(b, f.StartSeq)
	b = binary.BigEndian.AppendUint16(b, n)
	b = binary.BigEndian.AppendUint32(b, f.FragmentCount)
	b = binary.BigEndian.AppendUint32(b, f.FragmentNum)
	b = binary.BigEndian.AppendUint32(b, f.TotalLength)
	b = binary.BigEndian.AppendUint32(b, f.Offset)
	return append(b, f.Data...)
}

// AppendSendReliable appends a SEND_RELIABLE command carrying data.
func AppendSendReliable(b []byte, channel uint8, seq uint16, data []byte) []byte {
	b = AppendCommandHeader(b, CmdSendReliable|FlagAcknowledge, channel, seq)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// RandomBytes returns n random bytes.
func RandomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// Mutate returns a mutated copy of a valid datagram: bit flips, truncation,
// extension, overwritten 16/32-bit fields with extreme values, or a
// replaced command byte. The result is never longer than MaximumMTU.
func Mutate(rng *rand.Rand, valid []byte) []byte {
	b := append([]byte(nil), valid...)
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			b = append(b, byte(rng.Uint32()))
			continue
		}
		i := rng.IntN(len(b))
		switch rng.IntN(6) {
		case 0: // flip one bit
			b[i] ^= 1 << rng.IntN(8)
		case 1: // truncate
			b = b[:i]
		case 2: // extend with random bytes
			b = append(b, RandomBytes(rng, 1+rng.IntN(64))...)
		case 3: // extreme 16-bit value
			if i+2 <= len(b) {
				binary.BigEndian.PutUint16(b[i:], []uint16{0, 0xFFFF, 0x8000, 0x0FFF}[rng.IntN(4)])
			}
		case 4: // extreme 32-bit value
			if i+4 <= len(b) {
				binary.BigEndian.PutUint32(b[i:], []uint32{0, 0xFFFFFFFF, 0x80000000, MaximumFragmentCount + 1}[rng.IntN(4)])
			}
		case 5: // another command number (with random flags)
			b[i] = byte(rng.IntN(16)) | byte(rng.IntN(4))<<6
		}
	}
	if len(b) > MaximumMTU {
		b = b[:MaximumMTU]
	}
	return b
}
