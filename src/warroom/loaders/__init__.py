"""Files into domain objects: the only part of warroom below the service that reads files.

`domain/` is pure (it takes text or parsed data and never opens a file);
these modules open the policy, runbook and template files, scan their
directories, find the packaged defaults and the machine's time zone, and
hand the text to the domain parsers. A file that cannot be used is refused
with one line naming it (`text_files.read_text_file`).
"""
