package main

import (
	"context"
	"fmt"
	"log"
	"strings"
	"unicode/utf8"

	"github.com/enetgo/enet/multiplayer"
)

// maxLine is the longest chat line relayed, in bytes.
const maxLine = 500

// room is a chat room over a Godot multiplayer server: clients send lines
// to the server (peer 1), and the server sends "name: line" to everyone.
// A line "/name NEW" renames its sender. Joins, leaves and renames are
// announced as lines starting with "* ".
//
// With Godot 3 clients a line is a plain put_packet payload. Godot 4 has no
// put_packet for scripts on the high-level API: its clients send and
// receive lines with SceneMultiplayer.send_bytes and the peer_packet
// signal, so the room speaks RAW packets (SendBytes, DecodeRaw) there.
type room struct {
	srv   *multiplayer.Server
	names map[int32]string
	log   *log.Logger
}

func newRoom(srv *multiplayer.Server, logger *log.Logger) *room {
	return &room{srv: srv, names: map[int32]string{}, log: logger}
}

// run handles the server's events until ctx ends or the server closes.
func (r *room) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-r.srv.Events():
			if !ok {
				return
			}
			r.handle(ev)
		}
	}
}

func (r *room) handle(ev multiplayer.Event) {
	switch ev := ev.(type) {
	case multiplayer.PeerJoined:
		name := fmt.Sprintf("player%d", ev.ID)
		r.names[ev.ID] = name
		r.tell(ev.ID, fmt.Sprintf("* welcome %s, %d here: %s (type /name NEW to rename)",
			name, len(r.names), strings.Join(r.who(), ", ")))
		r.announce(-ev.ID, "* "+name+" joined")
	case multiplayer.PeerLeft:
		name := r.names[ev.ID]
		delete(r.names, ev.ID)
		r.announce(0, "* "+name+" left")
	case multiplayer.Packet:
		name, ok := r.names[ev.From]
		data := ev.Data
		if r.srv.Dialect() == multiplayer.Godot4 {
			if data, ok = multiplayer.DecodeRaw(multiplayer.Godot4, data); !ok {
				return // an RPC or other SceneMultiplayer packet: not chat
			}
			_, ok = r.names[ev.From]
		}
		line := strings.TrimSpace(string(data))
		if !ok || line == "" || len(line) > maxLine || !utf8.ValidString(line) {
			return
		}
		if newName, isRename := strings.CutPrefix(line, "/name "); isRename {
			newName = strings.TrimSpace(newName)
			if newName == "" || strings.ContainsAny(newName, " :*") || len(newName) > 32 {
				r.tell(ev.From, "* a name is 1 to 32 characters without spaces, ':' or '*'")
				return
			}
			r.names[ev.From] = newName
			r.announce(0, "* "+name+" is now "+newName)
			return
		}
		r.announce(0, name+": "+line)
	}
}

// who lists the names in the room in id order.
func (r *room) who() []string {
	var names []string
	for _, id := range r.srv.Peers() {
		if n, ok := r.names[id]; ok {
			names = append(names, n)
		}
	}
	return names
}

// announce sends line to target (0 everyone, -N everyone but N) and logs it.
func (r *room) announce(target int32, line string) {
	r.log.Print(line)
	if len(r.srv.Peers()) == 0 || (target < 0 && len(r.srv.Peers()) == 1) {
		return // nobody to tell
	}
	r.tell(target, line)
}

func (r *room) tell(target int32, line string) {
	send := r.srv.Send
	if r.srv.Dialect() == multiplayer.Godot4 {
		send = r.srv.SendBytes
	}
	if err := send(target, []byte(line), multiplayer.Reliable, 0); err != nil {
		r.log.Printf("send to %d: %v", target, err)
	}
}
