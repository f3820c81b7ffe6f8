# Checks enetgo's FastLZ, zlib and zstd codecs against Godot 3.2.3's own
# (PoolByteArray.compress / decompress, the functions behind Godot's ENet
# compression callbacks).
#
# Arguments: in=<file> out=<file>.
# The input file holds a u32 case count, then per case four u32-length-prefixed
# byte strings: the original, and enetgo's FastLZ, zlib and zstd compression
# of it. For each case this program writes to the output file Godot's own
# FastLZ, DEFLATE and ZSTD compression of the original (u32 length + bytes
# each), and checks that Godot decompresses enetgo's three outputs back to the
# original. It prints PASS, or one "BAD case=<i> mode=<m>" line per mismatch
# followed by FAIL.
extends SceneTree

const MODES = [File.COMPRESSION_FASTLZ, File.COMPRESSION_DEFLATE, File.COMPRESSION_ZSTD]
const NAMES = ["fastlz", "zlib", "zstd"]


func arg(name):
	for a in OS.get_cmdline_args():
		if a.begins_with(name + "="):
			return a.substr(name.length() + 1, a.length())
	return ""


func read_bytes(f):
	var n = f.get_32()
	if n == 0:
		return PoolByteArray()
	return f.get_buffer(n)


# decodes_to reports whether Godot decompresses packed (made by enetgo with
# MODES[m]) back to original.
func decodes_to(packed, original, m):
	if original.size() == 0:
		return true # Godot refuses a 0-byte decompress buffer; Go checks this case.
	var size = original.size()
	if MODES[m] == File.COMPRESSION_FASTLZ and size < 16:
		size = 16 # FastLZ inputs are zero-padded to 16 bytes
	var got = packed.decompress(size, MODES[m])
	if got.size() != size:
		return false
	for i in range(original.size(), size):
		if got[i] != 0:
			return false
	return got.subarray(0, original.size() - 1) == original


func _init():
	var fin = File.new()
	if fin.open(arg("in"), File.READ) != OK:
		print("FAIL: cannot open in=", arg("in"))
		quit(1)
		return
	var fout = File.new()
	if fout.open(arg("out"), File.WRITE) != OK:
		print("FAIL: cannot open out=", arg("out"))
		quit(1)
		return
	var bad = 0
	var count = fin.get_32()
	for i in range(count):
		var original = read_bytes(fin)
		for m in range(MODES.size()):
			var ours = read_bytes(fin)
			var theirs = original.compress(MODES[m])
			fout.store_32(theirs.size())
			fout.store_buffer(theirs)
			if not decodes_to(ours, original, m):
				print("BAD case=", i, " mode=", NAMES[m])
				bad += 1
	fin.close()
	fout.close()
	if bad > 0:
		print("FAIL: ", bad, " of ", count * MODES.size(), " outputs did not decode")
		quit(1)
		return
	print("CASES ", count)
	print("PASS")
	quit(0)
