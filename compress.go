package enet

// CompressionMode selects how a host compresses its datagrams, numbered as
// Godot's ENetConnection.CompressionMode. Both ends of a connection must use
// the same mode: nothing negotiates it, and a mismatch silently drops
// datagrams.
type CompressionMode int

// Compression modes (Godot ENetConnection.COMPRESS_*).
const (
	// CompressNone sends datagrams as they are (Godot's default).
	CompressNone CompressionMode = 0
	// CompressRangeCoder uses ENet's built-in range coder (Godot 3.4+'s
	// default for NetworkedMultiplayerENet).
	CompressRangeCoder CompressionMode = 1
	// CompressFastLZ uses FastLZ level 1, as Godot does.
	CompressFastLZ CompressionMode = 2
	// CompressZlib uses zlib-wrapped deflate (RFC 1950).
	CompressZlib CompressionMode = 3
	// CompressZstd uses a standard zstd frame.
	CompressZstd CompressionMode = 4
)

// Default compression levels, as Godot's project settings default them.
const (
	// DefaultZlibLevel is zlib's default level (-1, meaning 6).
	DefaultZlibLevel = -1
	// DefaultZstdLevel is Godot's default zstd level.
	DefaultZstdLevel = 3
)

// String returns the Godot name of the mode, such as "COMPRESS_ZLIB".
func (m CompressionMode) String() string {
	return enumName([]string{"COMPRESS_NONE", "COMPRESS_RANGE_CODER", "COMPRESS_FASTLZ",
		"COMPRESS_ZLIB", "COMPRESS_ZSTD"}, int(m), "CompressionMode")
}
