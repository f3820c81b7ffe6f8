extends SceneTree

func _init():
	print("FAIL: on purpose")
	quit(1)
