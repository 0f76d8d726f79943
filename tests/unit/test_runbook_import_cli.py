"""`warroom runbook import` (issue 13): --severity / --kind say where a runbook applies,
a file that yields no items is refused, and a .yml workflow is read as YAML. Against the
real runbooks in ../shared/realdata (skipped when that folder is absent; never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from warroom.cli import cli
from warroom.domain.runbook_scope import Placement
from warroom.domain.runbooks import applies
from warroom.loaders.runbooks import load_runbook

REALDATA = Path(__file__).parents[2].parent / "shared" / "realdata" / "runbooks"
POLICIES = Path(__file__).parents[1] / "fixtures" / "runbook_policies"


def real(name: str) -> Path:
    path = REALDATA / name
    if not path.is_file():
        pytest.skip("../shared/realdata is not present")
    return path


def run(tmp_path: Path, *args: str | Path) -> Result:
    argv = ["--db", str(tmp_path / "w.db"), *map(str, args)]
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def test_a_yml_workflow_is_read_as_yaml(tmp_path: Path) -> None:
    out = tmp_path / "tiers.yaml"
    done = run(tmp_path, "runbook", "import", real("keep_incident-tier-escalation.yml"), "-o", out)
    assert done.exit_code == 0, done.output
    assert "2 items in 1 sections, applies to: every incident" in done.stderr
    book = load_runbook(out)
    assert (book.id, book.title) == ("incident-tier-escalation", "Incident Tier Escalation")
    [actions] = book.sections
    assert [i.text for i in actions.items] == [
        "send-slack-message-tier-0",
        "send-slack-message-tier-1",
    ]
    assert actions.items[1].detail == (
        "when: {{ incident.current_tier == 0 && alert.name == 'alert1' }}\nprovider: slack"
    )
    assert "Triggers: incident (created, updated)" in book.description
    assert "{{ providers.slack }}" not in out.read_text()  # not YAML pasted in as items


def test_a_file_with_no_items_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "dbre.yaml"
    refused = run(
        tmp_path, "runbook", "import", real("gitlab_on-call_checklists_dbre.md"), "-o", out
    )
    assert refused.exit_code == 1
    assert "gitlab_on-call_checklists_dbre.md: no checklist items found" in refused.stderr
    assert "numbered steps" in refused.stderr and not out.exists()
    prose = real("pagerduty_training_scribe.md")  # headings and prose, not one step
    assert run(tmp_path, "runbook", "import", prose).exit_code == 1


def test_severity_and_kind_say_where_it_applies(tmp_path: Path) -> None:
    out = tmp_path / "during.yaml"
    source = real("pagerduty_during_during_an_incident.md")
    args = ["--severity", "highest", "--severity", "P1", "--kind", "security", "-o", out]
    done = run(tmp_path, "runbook", "import", source, *args)
    assert done.exit_code == 0, done.output
    assert "applies to: P1, rank highest = P0, security" in done.stderr
    book = load_runbook(out)
    assert (book.severities, book.ranks, book.kinds) == (("P1",), ("highest",), ("security",))
    # by rank, it attaches to the most severe incident under critical...low too
    assert applies(book, Placement("critical", "security", 0, 3))
    assert not applies(book, Placement("high", "security", 1, 3))
    assert not applies(book, Placement("critical", "availability", 0, 3))
    listed = run(tmp_path, "--runbooks", tmp_path, "runbook", "list").stdout
    assert "(P1, rank highest = P0, security)" in listed


def test_a_severity_the_policy_lacks_is_refused(tmp_path: Path) -> None:
    source = real("pagerduty_during_during_an_incident.md")
    refused = run(tmp_path, "runbook", "import", source, "--severity", "critical")
    assert refused.exit_code == 1 and "unknown severity 'critical'" in refused.stderr
    policy = POLICIES / "dokkerr-critical-low.yaml"
    fine = run(tmp_path, "--policy", policy, "runbook", "import", source, "--severity", "critical")
    assert fine.exit_code == 0 and "applies_to:\n  severities:\n  - critical" in fine.stdout
    assert run(tmp_path, "runbook", "import", source, "--kind", "outage").exit_code == 1


def test_yaml_that_is_neither_runbook_nor_workflow_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "odd.yml"
    odd.write_text("alerts:\n  - name: disk\n")
    refused = run(tmp_path, "runbook", "import", odd)
    assert refused.exit_code == 1
    assert "odd.yml: neither a warroom runbook (title, sections) nor a workflow" in refused.stderr
    ours = tmp_path / "ours.yaml"
    ours.write_text(
        "title: Disk full\nsections:\n  - title: Free space\n    items: [Rotate logs]\n"
    )
    done = run(tmp_path, "runbook", "import", ours, "--kind", "availability")
    assert done.exit_code == 0 and "kinds:\n  - availability" in done.stdout
