"""SQLite storage: opening and migrating the file, and reading it back."""
