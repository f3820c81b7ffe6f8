extends SceneTree

func _init():
	var word = ""
	for a in OS.get_cmdline_args():
		if a.begins_with("word="):
			word = a.substr(5, a.length() - 5)
	print("READY word=" + word)
	print("PASS")
	quit(0)
