"""The main war-room screen and its parts: it owns the console's state and opens the
dialogs (tui/dialogs/) its keys ask for."""
