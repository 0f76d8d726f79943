"""Modal forms and full screens; each returns its result with dismiss()."""
