"""Forms a guard fills in over the booth screen, one a file (forgot card; visitors, vehicles ... to come)."""
