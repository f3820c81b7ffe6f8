package multiplayer

import (
	"time"

	"github.com/enetgo/enet"
)

// AuthFunc authenticates one peer in the Godot4 dialect, as
// SceneMultiplayer's auth_callback together with send_auth and
// complete_auth. It runs in the service goroutine: first with data nil
// when the peer starts authenticating (Godot's peer_authenticating signal),
// then with every authentication message the peer sends. It returns a
// message to send to the peer (nil for none; Godot's send_auth), whether
// this side is satisfied (complete_auth; later calls for the same peer do
// not happen once both sides completed), and an error to reject the peer,
// which is then disconnected.
//
// The peer is admitted, and PeerJoined reported, when both sides have
// completed. A peer that does not complete within the auth timeout is
// disconnected and reported as AuthFailed.
type AuthFunc func(peer int32, data []byte) (reply []byte, complete bool, err error)

// AuthFailed reports a peer whose authentication failed, timed out, or that
// left while authenticating (Godot's peer_authentication_failed signal). It
// was never reported as joined.
type AuthFailed struct {
	// ID is the peer's unique id.
	ID int32
}

// PeerID returns ID.
func (e AuthFailed) PeerID() int32 { return e.ID }

// defaultAuthTimeout is SceneMultiplayer's default auth_timeout.
const defaultAuthTimeout = 3 * time.Second

// g4AuthComplete is the 2-byte "authentication completed" message.
var g4AuthComplete = []byte{g4CmdSys, g4SysAuth}

// authPeer is one authentication in progress.
type authPeer struct {
	id       int32
	peer     *enet.Peer
	local    bool // we completed
	remote   bool // the peer completed
	deadline time.Time
}

// call runs fn with data and sends its reply and completion, as send_auth
// and complete_auth (reliable, channel 0). It reports whether the peer can
// be admitted now.
func (a *authPeer) call(fn AuthFunc, data []byte) (admit bool, err error) {
	reply, complete, err := fn(a.id, data)
	if err != nil {
		return false, err
	}
	if len(reply) > 0 && !a.local && !a.remote {
		msg := append([]byte{g4CmdSys, g4SysAuth}, reply...)
		if err := a.peer.Send(g4ChannelReliable, msg, enet.FlagReliable); err != nil {
			return false, err
		}
	}
	if complete && !a.local {
		a.local = true
		if err := a.peer.Send(g4ChannelReliable, g4AuthComplete, enet.FlagReliable); err != nil {
			return false, err
		}
	}
	return a.local && a.remote, nil
}

// receive handles a packet from a peer that is still authenticating, as
// SceneMultiplayer's poll does: once we completed, any packet admits the
// peer and is then processed normally (process); otherwise only AUTH
// messages are accepted, and "[7][0]" marks the peer's completion.
func (a *authPeer) receive(fn AuthFunc, pkt []byte) (admit, process bool, err error) {
	if a.local {
		return true, true, nil
	}
	if len(pkt) < 2 || pkt[0]&g4CmdMask != g4CmdSys || pkt[1] != g4SysAuth {
		return false, false, nil
	}
	if len(pkt) > 2 {
		admit, err = a.call(fn, pkt[2:])
		return admit, false, err
	}
	a.remote = true
	return a.local, false, nil
}
