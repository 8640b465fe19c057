"""Modal screens over the booth screen, one a file: confirm, help, event detail."""
