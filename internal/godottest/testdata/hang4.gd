extends SceneTree

func _init():
	print("HANGING")
	while true:
		OS.delay_msec(50)
