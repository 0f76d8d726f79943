"""Status-update templates: the packaged defaults and a team's directory, read and checked.

Packaged defaults live in `warroom/defaults/templates/*.md`. A team
templates directory (`*.md` and `*.txt`; dotfiles and README files skipped)
overrides a default of the same name and adds new ones. Each file is parsed
by `warroom.domain.templates.parse_template`, which checks every slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import warroom.defaults
from warroom.domain.templates import Template, TemplateError, parse_template
from warroom.domain.text_files import MAX_TEXT_BYTES, decode_text

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_SUFFIXES = (".md", ".txt")


def _read_dir(files: Iterable[Traversable], source_of: dict[str, str]) -> dict[str, Template]:
    found: dict[str, Template] = {}
    for item in sorted(files, key=lambda f: f.name):
        if (
            not item.name.endswith(_SUFFIXES)
            or item.name.startswith((".", "_"))
            or item.name.upper().startswith("README")
            or not item.is_file()
        ):
            continue
        source = source_of.get(item.name, item.name)
        try:
            with item.open("rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
        except OSError as exc:
            raise TemplateError(f"{source}: cannot read template: {exc.strerror or exc}") from None
        text = decode_text(data, source, TemplateError)
        stem = item.name.rsplit(".", 1)[0]
        template = parse_template(text, source, default_name=stem)
        if template.name in found:
            raise TemplateError(
                f"{source}: template {template.name!r} is also defined in "
                f"{found[template.name].source}"
            )
        found[template.name] = template
    return found


def load_templates(team_dir: Path | None = None) -> dict[str, Template]:
    """The packaged templates, overridden and extended by those in `team_dir`.

    A team template with the same name as a default replaces it. Raises
    TemplateError on the first file that cannot be used.
    """
    files = _packaged()
    templates = _read_dir(files, {f.name: f"templates/{f.name} (default)" for f in files})
    if team_dir is None:
        return templates
    team = Path(team_dir)
    if not team.is_dir():
        raise TemplateError(f"{team}: templates directory does not exist")
    team_files = list(team.iterdir())
    templates.update(_read_dir(team_files, {f.name: str(team / f.name) for f in team_files}))
    return templates


def _packaged() -> list[Traversable]:
    """The packaged templates' files (installed as files, read as such: importlib's
    resource readers and zipfile cost the console ~3 ms before its first frame)."""
    beside = Path(warroom.defaults.__file__).with_name("templates")
    if beside.is_dir():
        return list(beside.iterdir())
    from importlib import resources

    return list((resources.files("warroom.defaults") / "templates").iterdir())
