package multiplayer

import (
	"fmt"

	"github.com/enetgo/enet"
)

// opError wraps a sentinel of package enet with the operation, as
// "multiplayer: send: enet: invalid parameter: detail". Match it with
// errors.Is(err, enet.ErrInvalidParameter) and so on.
func opError(op string, sentinel error, format string, args ...any) error {
	return fmt.Errorf("multiplayer: %s: %w: %s", op, sentinel, fmt.Sprintf(format, args...))
}

// errClosed is returned by methods of a closed Server or Client.
func errClosed(op string) error {
	return opError(op, enet.ErrUnconfigured, "closed")
}

// checkSend validates the arguments shared by every Send.
func checkSend(op string, mode TransferMode, channel, channels int, data []byte) error {
	if !mode.valid() {
		return opError(op, enet.ErrInvalidParameter, "transfer mode %d", int(mode))
	}
	if channel < 0 || channel >= channels {
		return opError(op, enet.ErrInvalidParameter, "channel %d outside 0..%d", channel, channels-1)
	}
	if len(data) == 0 {
		return opError(op, enet.ErrInvalidParameter, "empty packet")
	}
	return nil
}
