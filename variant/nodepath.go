package variant

import "strings"

// NodePath is a Godot NodePath: names separated by "/", then subnames
// (properties) each introduced by ":". "/root/Player:position:x" has
// Names [root Player], SubNames [position x] and Absolute set.
type NodePath struct {
	Names    []string
	SubNames []string
	Absolute bool
}

// ParseNodePath splits a path in Godot's text form, such as "a/b:c" or
// "/root/Main", into a NodePath. Empty names from doubled or trailing
// slashes are dropped, as Godot does.
func ParseNodePath(s string) NodePath {
	var np NodePath
	if strings.HasPrefix(s, "/") {
		np.Absolute = true
		s = s[1:]
	}
	path, subs, hasSubs := strings.Cut(s, ":")
	for _, n := range strings.Split(path, "/") {
		if n != "" {
			np.Names = append(np.Names, n)
		}
	}
	if hasSubs {
		for _, n := range strings.Split(subs, ":") {
			if n != "" {
				np.SubNames = append(np.SubNames, n)
			}
		}
	}
	return np
}

// String returns the path in Godot's text form, the inverse of
// ParseNodePath.
func (np NodePath) String() string {
	var b strings.Builder
	if np.Absolute {
		b.WriteByte('/')
	}
	b.WriteString(strings.Join(np.Names, "/"))
	for _, s := range np.SubNames {
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String()
}

// IsEmpty reports whether np is the empty path.
func (np NodePath) IsEmpty() bool {
	return len(np.Names) == 0 && len(np.SubNames) == 0 && !np.Absolute
}
