"""The console's dialogs: modal forms that return what was typed (dismiss(value)).

Screens and panes both open them; a dialog never imports a pane or the main screen.
"""
