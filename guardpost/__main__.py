"""``python -m guardpost``: the command line (the booth screen is found by its entry point)."""

from guardpost.cli import main

main()
