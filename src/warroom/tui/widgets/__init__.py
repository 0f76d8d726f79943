"""Widgets of the console: each renders what it is given and posts upward."""
