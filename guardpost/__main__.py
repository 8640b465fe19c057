from guardpost.cli import main

main()
