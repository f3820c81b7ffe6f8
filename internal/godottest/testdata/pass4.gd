extends SceneTree

# Godot 4 form of pass.gd: user arguments come after "--".
func _init():
	var word = ""
	for a in OS.get_cmdline_user_args():
		if a.begins_with("word="):
			word = a.substr(5)
	print("READY word=" + word + " engine=" + Engine.get_version_info().string)
	print("PASS")
	quit(0)
