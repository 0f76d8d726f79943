"""Markdown runbooks imported as our YAML: on own fixtures and on real-world runbooks."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from warroom.domain.runbook_import import import_markdown, strip_html
from warroom.domain.runbooks import Item, Runbook, RunbookError, dump_runbook, parse_runbook

FIXTURES = Path(__file__).parents[2] / "tests" / "fixtures" / "runbooks"
REALDATA = Path(__file__).parents[2].parent / "shared" / "realdata" / "runbooks"
# Markdown only: a .yml workflow is read as YAML (issue 13; test_runbook_import_cli.py)
REAL_FILES = (
    sorted(p for p in REALDATA.iterdir() if p.is_file() and p.suffix == ".md")
    if REALDATA.is_dir()
    else []
)

# What the issue calls an item: a checkbox bullet or a numbered step.
ITEM_LINE = re.compile(r"^\s*(?:[-*+][ \t]+\[[ xX]\]|\d{1,9}[.)])(?:[ \t]|$)")
CHECKBOX_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\][ \t]+(.+)$")
BRACKETED = re.compile(r"\[[^\[\]\n]+\]")


def source_lines(text: str) -> list[str]:
    """Lines a reader sees as Markdown: front matter and fenced code left out."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        lines = lines[end + 1 :]
    kept: list[str] = []
    fence = ""
    for line in lines:
        opening = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence:
            if opening and not line.strip().strip(fence[0]) and len(line.strip()) >= len(fence):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            kept.append(line)
    return kept


def all_items(items: tuple[Item, ...]) -> list[Item]:
    found: list[Item] = []
    for item in items:
        found.append(item)
        found.extend(all_items(item.items))
    return found


def every_item(runbook: Runbook) -> list[Item]:
    return [item for section in runbook.sections for item in all_items(section.items)]


def all_text(runbook: Runbook) -> str:
    parts = [runbook.title, runbook.description]
    for section in runbook.sections:
        parts += [section.title, section.description]
    for item in every_item(runbook):
        parts += [item.text, item.detail, item.command]
    return "\n".join(parts)


# ---------------------------------------------------------------- own fixtures


def failover() -> Runbook:
    path = FIXTURES / "db-failover.md"
    return import_markdown(path.read_text("utf-8"), str(path))


def test_front_matter_gives_title_and_description_and_prose_is_kept() -> None:
    runbook = failover()
    assert runbook.id == "db-failover"
    assert runbook.title == "Database failover"
    assert runbook.description.startswith("Move writes to the replica when the primary is gone.")
    assert "reviewed by the DBA team" in runbook.description  # an HTML comment's words
    assert "Only the incident commander may approve a failover." in runbook.description
    assert "<div" not in runbook.description and "owner" not in runbook.description
    assert [s.title for s in runbook.sections] == ["Before you start", "Failover", "Afterwards"]
    assert runbook.sections[2].description.startswith("Write down the time writes came back.")


def test_checkboxes_and_numbered_steps_become_nested_items() -> None:
    before, steps, _ = failover().sections
    confirm, tell = before.items
    assert confirm.text == "Confirm the primary is really down, not just slow"
    assert confirm.detail == "* check from two hosts\n* ask in [#db-oncall][db-channel]"
    assert tell.text == "Tell the channel what you are about to do"
    assert before.description == "Everyone on the call should hear the plan first."
    _freeze, promote, point = steps.items
    assert [c.text for c in promote.items] == ["Check replication lag is zero", "Run the promotion"]
    assert promote.text == "Promote the replica [step 2 of 3]"
    assert promote.items[0].items == (Item(text="Lag graph is flat"),)
    assert point.text == "Point the application at the new primary and restart it."
    assert point.detail == "Restart one region at a time. Ask <USER_A> before touching EU."
    assert len(every_item(failover())) == 8


def test_code_fences_become_commands_of_their_items() -> None:
    _, steps, _ = failover().sections
    freeze, _, point = steps.items
    assert freeze.command == "./bin/maintenance on"
    assert point.command == "SELECT pg_is_in_recovery();"  # the fence after the item


def test_keys_and_round_trip_of_an_import() -> None:
    runbook = failover()
    keys = [step.key for step in runbook.steps()]
    assert keys[:4] == ["before-you-start/1", "before-you-start/2", "failover/1", "failover/2"]
    assert "failover/2.1.1" in keys
    assert parse_runbook(dump_runbook(runbook), "db-failover.yaml") == runbook


def test_numbered_lines_inside_code_are_not_items() -> None:
    text = "# Deploy\n\n```\n1. not a step\n- [ ] not a box\n```\n\n1. the only step\n"
    runbook = import_markdown(text, "deploy.md")
    assert [i.text for i in every_item(runbook)] == ["the only step"]
    assert "1. not a step" in runbook.description  # code with no item to own it stays


def test_title_falls_back_to_the_file_name_and_empty_files_import() -> None:
    assert import_markdown("", "team/disk_full.md").title == "Disk full"
    plain = import_markdown("Some words first.\n\n## Steps\n\n- [ ] one\n", "x.md")
    assert plain.title == "X" and plain.description == "Some words first."
    assert import_markdown("# Only a heading\n", "h.md").sections == ()


def test_items_before_any_heading_get_a_section() -> None:
    runbook = import_markdown("- [ ] first\n- [X] second\n", "quick.md")
    assert runbook.sections[0].title == "Checklist"
    assert [i.text for i in runbook.sections[0].items] == ["first", "second"]


def test_html_tags_go_but_placeholders_and_brackets_stay() -> None:
    assert strip_html("<td>SEV-1 <code>!ic page</code></td>") == "SEV-1 `!ic page`"
    assert strip_html('<a href="/x">During</a> <b>[#33]</b>') == "[During](/x) [#33]"
    assert strip_html("ssh <node name> as <USER_A>") == "ssh <node name> as <USER_A>"


def test_lists_indented_past_the_marker_belong_to_the_item_above() -> None:
    # CommonMark wants the content column (3 here); runbooks in the wild indent 2
    text = "## Checks\n\n1. Look at the dashboards\n  - [Triage](https://x)\n    1. Anything red?\n"
    [look] = import_markdown(text, "checks.md").sections[0].items
    assert look.detail == "- [Triage](https://x)"
    assert [i.text for i in look.items] == ["Anything red?"]


def test_setext_headings_and_link_definitions_are_read_as_commonmark_does() -> None:
    text = "Steps\n=====\n\n- [ ] page [the DBA][dba]\n\nMore\n----\n\n[dba]: https://x/dba\n"
    runbook = import_markdown(text, "s.md")
    assert runbook.title == "Steps"
    assert [s.title for s in runbook.sections] == ["Checklist", "More"]
    assert runbook.sections[0].items[0].text == "page [the DBA][dba]"
    assert runbook.sections[1].description == "[dba]: https://x/dba"  # kept, not resolved


def test_ordered_lists_nested_300_deep_keep_every_step_at_twenty_levels() -> None:
    text = "".join(f"{'   ' * n}1. step {n}\n" for n in range(300))
    steps = import_markdown(text, "deep.md").steps()
    assert len(steps) == 300
    assert max(step.depth for step in steps) == 19
    assert steps[-1].item.text == "step 299"


def test_quotes_nested_past_the_parser_limit_are_refused_naming_the_line() -> None:
    text = "# T\n\nintro\n\n" + "> " * 300 + "- [ ] x\n"
    with pytest.raises(RunbookError, match=r"^q\.md:5: nested more than 100 levels deep$"):
        import_markdown(text, "q.md")


def test_a_checklist_of_forty_thousand_boxes_imports_in_linear_time() -> None:
    text = "## Shards\n\n" + "".join(f"- [ ] shard {n} serves\n" for n in range(40_000))
    started = time.monotonic()
    runbook = import_markdown(text, "shards.md")
    # ~2 s here; mdit-py-plugins' tasklists plugin looks back to the list's start from
    # every box (20,000 boxes: 37 s), so 40,000 would take minutes
    assert time.monotonic() - started < 20
    assert len(runbook.sections[0].items) == 40_000
    assert runbook.sections[0].items[-1].text == "shard 39999 serves"


# ---------------------------------------------------------------- real-world runbooks


def real(name: str) -> Runbook:
    if not REAL_FILES:
        pytest.skip("../shared/realdata is not present")
    path = REALDATA / name
    return import_markdown(path.read_text("utf-8"), path.name)


@pytest.mark.parametrize(
    "path", REAL_FILES or [None], ids=[p.name for p in REAL_FILES] or ["absent"]
)
def test_every_real_runbook_imports_sensibly(path: Path | None) -> None:
    if path is None:
        pytest.skip("../shared/realdata is not present")
    text = path.read_text("utf-8")
    runbook = import_markdown(text, path.name)
    lines = source_lines(text)

    items = every_item(runbook)
    assert len(items) == sum(1 for line in lines if ITEM_LINE.match(line))

    texts = [item.text for item in items]
    for line in lines:
        box = CHECKBOX_LINE.match(line)
        if box:
            wanted = strip_html(box.group(1)).strip()
            assert any(t.startswith(wanted) for t in texts), f"lost checkbox item {wanted!r}"

    everything = all_text(runbook)
    for line in lines:
        for bracketed in BRACKETED.findall(line):
            if bracketed not in ("[ ]", "[x]", "[X]"):
                assert bracketed in everything, f"lost {bracketed!r}"

    again = parse_runbook(dump_runbook(runbook), path.stem + ".yaml")
    assert again == runbook


def test_real_nested_bullets_and_fences_land_on_their_items() -> None:
    cmoc = real("gitlab_on-call_checklists_cmoc.md")
    assert [s.title for s in cmoc.sections][:2] == ["Shift Start", "Declaring an Incident"]
    check_in = cmoc.sections[1].items[-1]
    assert check_in.text == "Check in with incident team:"
    assert check_in.detail.count("\n") == 2 and "Clear the deck" in check_in.detail

    gitaly = real("gitlab_gitaly_gitaly-token-rotation.md")
    first = gitaly.sections[0].items[0]
    assert first.command.startswith('"default_attributes": {') and "[...]" in first.command
    fleet = next(i for i in gitaly.sections[0].items if i.text == "and apply that to the fleet")
    assert len(fleet.items) == 2 and fleet.items[0].text.startswith("`knife ssh")

    imoc = real("gitlab_on-call_checklists_imoc.md")
    dashboards = imoc.sections[0].items[1]
    assert [i.text for i in dashboards.items] == ["What services are showing availability issues?"]
    assert "[Triage dashboard]" in dashboards.detail


def test_real_titles_and_links_in_item_text() -> None:
    upgrades = real("gitlab_monitoring_upgrades.md")
    prepare = next(s for s in upgrades.sections if s.title == "Pre-Change Steps")
    assert prepare.items[0].text.startswith("[Prometheus/Thanos/Trickster/Pushgateway in Chef](")
    assert real("gitlab_kube_k8s-oncall-setup.md").title == "Accessing Kubernetes Clusters"
    assert real("promop_KubeAPIErrorBudgetBurn.md").title == "KubeAPIErrorBudgetBurn"
    assert real("gitlab_on-call_checklists_dbre.md").sections == ()
    ransomware = real("counteractive_playbook-ransomware.md")
    assert "[[1]](#ransomware-playbook-ref-1)" in ransomware.sections[0].items[0].text
