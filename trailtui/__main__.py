from trailtui.cli import main

main()
