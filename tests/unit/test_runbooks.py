"""Runbooks read from YAML: fields, keys, errors with line numbers, matching, bundled files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from warroom.domain.runbooks import (
    Item,
    Runbook,
    RunbookError,
    Section,
    applies,
    dump_runbook,
    matching_runbooks,
    parse_runbook,
)
from warroom.errors import InvalidInput, WarroomError
from warroom.loaders.runbooks import (
    bundled_runbooks_dir,
    check_runbook_files,
    load_runbook,
    load_runbooks,
)

REPO = Path(__file__).parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "runbooks"
BUNDLED_FILES = sorted((REPO / "runbooks").glob("*.yaml"))
BUNDLED_IDS = {
    "initial-response",
    "rapid-assessment",
    "p0-critical",
    "p1-high",
    "security-incident",
    "data-incident",
    "availability",
    "performance",
    "service-restoration",
    "rollback",
    "post-incident",
}


def drill() -> Runbook:
    return load_runbook(FIXTURES / "incident-drill.yaml")


# ---------------------------------------------------------------- parsing


def test_every_field_is_read() -> None:
    runbook = drill()
    assert runbook.id == "incident-drill"
    assert runbook.title == "Incident drill"
    assert runbook.description == "Practise the first half hour.\nNothing here touches production."
    assert runbook.severities == ("P0", "P1")
    assert runbook.kinds == ("availability", "performance")
    warm_up = runbook.sections[0]
    assert warm_up.within == dt.timedelta(minutes=15)
    assert warm_up.items[0] == Item(text="Open the channel")
    ack = warm_up.items[1]
    assert (ack.role, ack.within) == ("commander", dt.timedelta(minutes=5))
    assert warm_up.items[2].ask == "How many users are affected?"
    health = warm_up.items[3]
    assert health.role == "tech-lead"
    assert health.detail == "From two places."
    assert health.command == "curl -fsS https://example.test/health\necho done"
    assert [child.text for child in health.items] == ["From the office", "From a phone"]


def test_item_keys_are_positional_nested_and_unique_per_section() -> None:
    keys = [step.key for step in drill().steps()]
    assert keys == [
        "warm-up/1",
        "warm-up/2",
        "warm-up/3",
        "warm-up/4",
        "warm-up/4.1",
        "warm-up/4.phone",
        "warm-up-2/same-title",
    ]
    assert drill().step("warm-up/4.phone").item.text == "From a phone"
    with pytest.raises(InvalidInput, match="no item 'warm-up/9'"):
        drill().step("warm-up/9")


def test_time_targets_are_inherited_from_section_and_parent() -> None:
    within = {step.key: step.within for step in drill().steps()}
    assert within["warm-up/1"] == dt.timedelta(minutes=15)  # from the section
    assert within["warm-up/2"] == dt.timedelta(minutes=5)  # its own
    assert within["warm-up/4.1"] == dt.timedelta(minutes=15)  # parent's, i.e. section's
    assert within["warm-up-2/same-title"] is None
    depths = {step.key: step.depth for step in drill().steps()}
    assert (depths["warm-up/4"], depths["warm-up/4.phone"]) == (0, 1)


def test_the_id_defaults_to_the_file_name() -> None:
    runbook = parse_runbook("title: T\nsections: []\n", "team/Disk Full.yaml")
    assert runbook.id == "disk-full"
    assert runbook.sections == ()


def text_with_error(body: str) -> str:
    with pytest.raises(RunbookError) as caught:
        parse_runbook(body, "team/x.yaml")
    assert isinstance(caught.value, WarroomError)
    return str(caught.value)


BASE = """\
title: Disk full
sections:
  - title: Free space
    items:
      - Delete old logs
      - text: Rotate logs
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "        within: 3x\n",
            'team/x.yaml:7: sections[0].items[1].within: "3x" is not a duration',
        ),
        (
            "        role: fire chief\n",
            "team/x.yaml:7: sections[0].items[1].role: unknown role 'fire-chief'",
        ),
        ("        whithin: 5m\n", "team/x.yaml:7: sections[0].items[1].whithin: unknown field"),
        ("        text: again\n", "team/x.yaml:7: sections[0].items[1].text: appears twice"),
        ("        items: oops\n", "team/x.yaml:7: sections[0].items[1].items: expected a list"),
        ("        id: Big Id\n", 'team/x.yaml:7: sections[0].items[1].id: "Big Id" is not an id'),
        ("        detail: [a, b]\n", "team/x.yaml:7: sections[0].items[1].detail: expected text"),
        ("      -\n", "team/x.yaml:7: sections[0].items[2]: is empty"),
        ("      - text: ''\n", "team/x.yaml:7: sections[0].items[2].text: must not be empty"),
        ("      - role: scribe\n", "team/x.yaml:7: sections[0].items[2].text: is required"),
        (
            "      - {id: a, text: A}\n      - {id: a, text: B}\n",
            'team/x.yaml:8: sections[0].items[3].id: "a" is used twice',
        ),
        ("  - items: []\n", "team/x.yaml:7: sections[1].title: is required"),
        ("applies_to:\n  kinds: [outage]\n", "team/x.yaml:8: applies_to.kinds[0]: unknown kind"),
        ("applies_to:\n  teams: [sre]\n", "team/x.yaml:8: applies_to.teams: unknown field"),
        ("owner: me\n", "team/x.yaml:7: owner: unknown field"),
        ("title: twice\n", "team/x.yaml:7: title: appears twice"),
    ],
)
def test_errors_name_file_line_and_field(extra: str, expected: str) -> None:
    assert text_with_error(BASE + extra).startswith(expected)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "team/x.yaml: the file is empty"),
        ("- just\n- a list\n", "team/x.yaml:1: runbook: expected a mapping"),
        ("sections: []\n", "team/x.yaml:1: title: is required"),
        ("title: T\n", "team/x.yaml:1: sections: is required"),
        ("title: T\nsections:\n  - title: [unclosed\n", "team/x.yaml:4: not valid YAML"),
        ("title: T\nsections: {a: 1}\n", "team/x.yaml:2: sections: expected a list"),
    ],
)
def test_whole_file_errors(body: str, expected: str) -> None:
    assert text_with_error(body).startswith(expected)


def test_check_reports_each_bad_file_and_duplicate_ids(tmp_path: Path) -> None:
    copy = tmp_path / "drill-copy.yaml"
    copy.write_text((FIXTURES / "incident-drill.yaml").read_text())
    missing = tmp_path / "missing.yaml"
    problems = [
        str(p)
        for p in check_runbook_files(
            [FIXTURES / "incident-drill.yaml", FIXTURES / "broken-role.yaml", copy, missing]
        )
    ]
    assert len(problems) == 3
    assert re.match(r".*broken-role\.yaml:6: sections\[0\]\.items\[0\]\.role: ", problems[0])
    assert "drill-copy.yaml: id: runbook id 'incident-drill' is also used by" in problems[1]
    assert problems[2].startswith(f"{missing}: cannot read runbook")
    assert check_runbook_files([FIXTURES / "incident-drill.yaml"]) == []


# ---------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("severity", "kind", "expected"),
    [
        ("P0", "availability", True),
        ("p1", "Performance", True),
        ("P2", "availability", False),
        ("P0", "security", False),
    ],
)
def test_applies_needs_both_severity_and_kind_to_match(
    severity: str, kind: str, expected: bool
) -> None:
    assert applies(drill(), severity, kind) is expected


def test_empty_applies_to_means_every_incident() -> None:
    anywhere = Runbook(id="anywhere", title="Anywhere")
    only_data = Runbook(id="data", title="Data", kinds=("data",))
    assert applies(anywhere, "P3", "security")
    assert matching_runbooks([anywhere, only_data], "P3", "data") == [anywhere, only_data]
    assert matching_runbooks([anywhere, only_data], "P3", "security") == [anywhere]


# ---------------------------------------------------------------- writing


def test_dump_reads_back_equal_even_for_awkward_text() -> None:
    awkward = Runbook(
        id="awkward",
        title="yes",
        description="[#33] is an incident\n  indented line\n# not a comment",
        severities=("P0",),
        sections=(
            Section(
                title="a: b",
                within=dt.timedelta(hours=2),
                items=(
                    Item(text="- [ ] not a list", command="  echo 'x'\n\techo \"y\""),
                    Item(text="null", ask="~", role="scribe", items=(Item(text="123"),)),
                    Item(text="[bold]literal[/bold] ✓ ℙƴ", within=dt.timedelta(seconds=90)),
                ),
            ),
        ),
    )
    text = dump_runbook(awkward)
    assert parse_runbook(text, "awkward.yaml") == awkward
    assert "within: 90s" in text and "within: 2h" in text


# ---------------------------------------------------------------- bundled runbooks


def test_bundled_runbooks_are_found_from_the_checkout() -> None:
    assert bundled_runbooks_dir() == (REPO / "runbooks").resolve()
    assert {rb.id for rb in load_runbooks()} == BUNDLED_IDS


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=[p.name for p in BUNDLED_FILES])
def test_every_bundled_runbook_parses_and_round_trips(path: Path) -> None:
    runbook = load_runbook(path)
    assert runbook.steps(), "a bundled runbook without items"
    assert parse_runbook(dump_runbook(runbook), "again.yaml") == runbook


def test_bundled_runbooks_cover_the_issue() -> None:
    assert {p.stem.split("-", 1)[1] for p in BUNDLED_FILES} >= BUNDLED_IDS
    runbooks = {rb.id: rb for rb in load_runbooks()}
    p0 = runbooks["p0-critical"]
    assert [s.within for s in p0.sections] == [
        dt.timedelta(minutes=15),
        dt.timedelta(minutes=30),
        None,
    ]
    questions = [s.item.ask for s in runbooks["rapid-assessment"].steps()]
    assert len(questions) == 5 and all(questions)
    verification = runbooks["service-restoration"].sections[1]
    assert verification.title == "Verification checklist" and len(verification.items) == 6
    # issue 13: "post-mortem within 48h" went OVERDUE on a P2 whose post-mortem clock
    # says a week; the policy's post-mortem clock sets the date, the hot wash counts
    # from the resolution
    hot_wash, post_mortem = runbooks["post-incident"].sections[:2]
    assert post_mortem.within is None
    assert (hot_wash.within, hot_wash.within_from) == (dt.timedelta(hours=24), "resolved")


POLICIES = REPO / "tests" / "fixtures" / "runbook_policies"


P0P3, CRIT, SEV5 = "castiel-p0-p3.yaml", "dokkerr-critical-low.yaml", "../policies/sev5.yaml"


@pytest.mark.parametrize(
    ("policy_file", "severity", "kind", "status", "expected"),
    [
        (P0P3, "P0", "security", "investigating", {"p0-critical", "security-incident"}),
        (P0P3, "P1", "data", "investigating", {"p1-high", "data-incident"}),
        (P0P3, "P3", "performance", "investigating", {"performance"}),
        # issue 13: under critical...low the P0 runbook never attached
        (CRIT, "critical", "availability", "investigating", {"p0-critical", "availability"}),
        (CRIT, "high", "data", "investigating", {"p1-high", "data-incident"}),
        (CRIT, "low", "data", "fixing", {"data-incident", "service-restoration"}),
        (CRIT, "medium", "performance", "resolved", {"performance", "post-incident"}),
        (SEV5, "SEV1", "availability", "investigating", {"p0-critical", "availability"}),
    ],
)
def test_bundled_matching_by_rank(
    policy_file: str, severity: str, kind: str, status: str, expected: set[str]
) -> None:
    from warroom.domain.runbook_scope import Placement
    from warroom.loaders.policy import load_policy

    policy = load_policy(POLICIES / policy_file)
    rank = policy.severity(severity).rank
    place = Placement(severity, kind, rank, len(policy.severities) - 1, status)
    everywhere = {"initial-response", "rapid-assessment"}  # rollback: on request only
    found = {rb.id for rb in matching_runbooks(load_runbooks(), place)}
    assert found == expected | everywhere


def test_team_runbooks_add_to_and_replace_bundled_ones(tmp_path: Path) -> None:
    (tmp_path / "rollback.yaml").write_text(
        "id: rollback\ntitle: Our rollback\nsections:\n  - title: Go\n    items: [Run deploy -1]\n"
    )
    (tmp_path / "disk.yml").write_text("title: Disk full\nsections: []\n")
    (tmp_path / "notes.txt").write_text("not a runbook")
    runbooks = load_runbooks([tmp_path])
    ids = [rb.id for rb in runbooks]
    assert ids.count("rollback") == 1 and ids[-1] == "disk"
    assert runbooks[ids.index("rollback")].title == "Our rollback"
    assert [rb.id for rb in load_runbooks([tmp_path], bundled=False)] == ["disk", "rollback"]


def test_team_directory_problems_are_reported(tmp_path: Path) -> None:
    with pytest.raises(RunbookError, match="not a directory of runbooks"):
        load_runbooks([tmp_path / "nowhere"], bundled=False)
    (tmp_path / "a.yaml").write_text("id: same\ntitle: A\nsections: []\n")
    (tmp_path / "b.yaml").write_text("id: same\ntitle: B\nsections: []\n")
    with pytest.raises(RunbookError, match=r"b\.yaml: id: runbook id 'same' is also used by"):
        load_runbooks([tmp_path], bundled=False)
