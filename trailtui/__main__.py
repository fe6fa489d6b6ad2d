from trailtui.cli import run

run()
