"""Pure war-room rules: no I/O, no textual, time passed in as arguments."""
