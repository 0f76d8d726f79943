"""Status-update templates: defaults, loading, checking and inert rendering."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.records import an_incident
from warroom.domain import templates as templates_module
from warroom.domain.models import Incident, TimelineEntry
from warroom.domain.template_context import TIME_KEYS, marker, spell_duration
from warroom.domain.templates import (
    FREE_FIELDS,
    PLACEHOLDERS,
    Template,
    TemplateContext,
    TemplateError,
    build_context,
    parse_template,
    render,
    suggest_phase,
    templates_for,
    unfilled,
    visible_controls,
)
from warroom.loaders.templates import load_templates

FIXTURES = Path(__file__).parent.parent / "fixtures" / "templates"
PARIS = ZoneInfo("Europe/Paris")
DECLARED = dt.datetime(2026, 11, 22, 13, 0, tzinfo=dt.UTC)  # 14:00 CET
NOW = DECLARED + dt.timedelta(minutes=20)  # 14:20 CET
DEFAULT_NAMES = {
    "internal-alert",
    "internal-update",
    "internal-resolution",
    "external-initial",
    "external-update",
    "external-resolution",
    "incident-update",
    "executive-summary",
}


def make_incident(**changes: object) -> Incident:
    known: dict[str, object] = {
        "title": "API 5xx spike",
        "status": "fixing",
        "summary": "Checkout API returns 503 for a third of requests",
        "impact_users": "Customers in the EU cannot pay",
        "impact_services": "checkout API",
        "impact_business": "orders lost",
        "commander": "alice",
        "detected_at": DECLARED - dt.timedelta(minutes=4),
        "acknowledged_at": DECLARED + dt.timedelta(minutes=2),
        "channel": "#incident-2026-11-22-12",
    }
    return an_incident(12, **({"declared_at": DECLARED} | known | changes))  # type: ignore[arg-type]


def entry(
    id: int, minutes: int, kind: str, text: str, supersedes: int | None = None
) -> TimelineEntry:
    at = DECLARED + dt.timedelta(minutes=minutes)
    return TimelineEntry(id, 12, at, at, "bob", "bob", kind, text, {}, supersedes)


FULL_TIMELINE = [
    entry(1, 3, "note", "paged by alertmanager"),
    entry(2, 5, "action", "restarted checkout pods"),
    entry(3, 9, "decision", "roll back release 4.2"),
    entry(4, 12, "action", "rolled back to 4.1"),
]
FREE = {
    "eta": "15:00 CET",
    "next_steps": "watch error rate for 30 minutes",
    "root_cause": "connection pool exhausted",
    "resolution": "rolled back release 4.2",
    "prevention": "load test pool size",
    "postmortem_url": "https://wiki.example/pm/12",
}


def full_context(incident: Incident | None = None) -> TemplateContext:
    incident = incident or make_incident(
        status="resolved", resolved_at=DECLARED + dt.timedelta(minutes=70)
    )
    return build_context(
        incident,
        FULL_TIMELINE,
        now=NOW,
        tz=PARIS,
        answers={"Which region?": "eu-west-1", "Data loss?": "no"},
        status_page_url="https://status.example.com",
        update_every=dt.timedelta(minutes=30),
        postmortem_due=dt.timedelta(hours=48),
        severity_label="High",
        free=FREE,
    )


def bare_context() -> TemplateContext:
    """An incident just declared: nothing known beyond its title and severity."""
    incident = make_incident(
        summary="",
        impact_users="",
        impact_services=" ",
        impact_business="",
        commander="",
        channel="",
        detected_at=None,
        acknowledged_at=None,
        status="investigating",
    )
    return build_context(incident, [], now=NOW, tz=PARIS)


@pytest.fixture(scope="module")
def defaults() -> dict[str, Template]:
    return load_templates()


# -- the packaged defaults ---------------------------------------------------------


def test_every_default_template_is_packaged(defaults: dict[str, Template]) -> None:
    assert set(defaults) == DEFAULT_NAMES
    assert {t.name for t in templates_for(defaults, audience="external")} == {
        "external-initial",
        "external-update",
        "external-resolution",
    }
    assert [t.name for t in templates_for(defaults, phase="summary")] == ["executive-summary"]
    assert all(t.source.endswith("(default)") for t in defaults.values())


@pytest.mark.parametrize("name", sorted(DEFAULT_NAMES))
def test_default_renders_with_full_data_and_no_markers(
    defaults: dict[str, Template], name: str
) -> None:
    text = render(defaults[name], full_context())
    assert "⟨" not in text and "?⟩" not in text
    assert "{" not in text and "None" not in text
    assert unfilled(defaults[name], full_context()) == []


@pytest.mark.parametrize("name", sorted(DEFAULT_NAMES))
def test_default_renders_with_missing_data_as_visible_markers(
    defaults: dict[str, Template], name: str
) -> None:
    template = defaults[name]
    context = bare_context()
    missing = unfilled(template, context)
    text = render(template, context)
    assert missing, f"{name} should need something a new incident does not have"
    for placeholder in missing:
        assert marker(placeholder) in text
    assert "None" not in text and "{" not in text
    # no line ends in a bare "Label:" followed by nothing but spaces
    assert not [line for line in text.splitlines() if re.search(r":[ \t]+$", line)]


def test_incident_update_block_follows_the_seed_layout(defaults: dict[str, Template]) -> None:
    text = render(defaults["incident-update"], full_context(make_incident()))
    assert text.splitlines() == [
        "**INCIDENT UPDATE [14:20 CET]**",
        "Incident: #12 API 5xx spike",
        "Status: FIXING",
        "Impact: Users: Customers in the EU cannot pay; Services: checkout API; "
        "Business: orders lost",
        "Actions Taken:",
        "- 14:05 CET restarted checkout pods",
        "- 14:12 CET rolled back to 4.1",
        "Next Steps: watch error rate for 30 minutes",
        "ETA: 15:00 CET",
    ]


def test_external_templates_use_the_seed_wording(defaults: dict[str, Template]) -> None:
    context = full_context()
    initial = render(defaults["external-initial"], context)
    assert initial.startswith("We are currently investigating reports of problems affecting")
    assert "updates every 30 minutes" in initial
    assert "next one by 14:50 CET" in initial
    assert "https://status.example.com" in initial
    resolved = render(defaults["external-resolution"], context)
    assert "has been resolved as of 2026-11-22 15:10 CET." in resolved
    assert "within 48 hours" in resolved
    # external updates never leak the internal timeline
    for name in ("external-initial", "external-update", "external-resolution"):
        assert "rolled back to 4.1" not in render(defaults[name], context)


def test_internal_alert_shows_local_and_utc_times(defaults: dict[str, Template]) -> None:
    text = render(defaults["internal-alert"], full_context(make_incident()))
    assert "Time: 2026-11-22 14:00 CET (2026-11-22 13:00 UTC)" in text
    assert "Next Update: 14:50 CET (13:50 UTC)" in text
    assert "War Room: #incident-2026-11-22-12" in text


def test_drill_is_marked_in_every_default(defaults: dict[str, Template]) -> None:
    context = full_context(make_incident(drill=True))
    for template in defaults.values():
        assert render(template, context).startswith("[DRILL] "), template.name
    assert not render(defaults["internal-alert"], full_context()).startswith("[DRILL]")


# -- values from the incident ------------------------------------------------------


def test_times_show_the_zone_in_summer_and_winter() -> None:
    new_york = ZoneInfo("America/New_York")
    summer = dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.UTC)
    context = build_context(
        make_incident(declared_at=summer), [], now=summer + dt.timedelta(hours=1), tz=new_york
    )
    assert context.lookup("declared_at") == "2026-07-01 12:30 EDT"
    assert context.lookup("declared_at_utc") == "2026-07-01 16:30 UTC"
    winter = build_context(make_incident(), [], now=NOW, tz=new_york)
    assert winter.lookup("declared_time") == "08:00 EST"
    assert winter.lookup("declared_time_utc") == "13:00 UTC"


def test_every_time_placeholder_has_four_forms() -> None:
    context = full_context()
    for key in TIME_KEYS:
        if key == "mitigated":
            continue
        for suffix in ("_at", "_at_utc", "_time", "_time_utc"):
            value = context.lookup(key + suffix)
            assert value is not None and re.search(r"\d\d:\d\d (CET|UTC)$", value), key + suffix


def test_next_update_is_now_plus_the_cadence() -> None:
    context = build_context(
        make_incident(), [], now=NOW, tz=dt.UTC, update_every=dt.timedelta(hours=2)
    )
    assert context.lookup("next_update_at") == "2026-11-22 15:20 UTC"
    assert context.lookup("update_every") == "2 hours"
    assert build_context(make_incident(), [], now=NOW, tz=dt.UTC).lookup("next_update_at") is None


def test_duration_runs_to_resolution_or_now() -> None:
    assert full_context().lookup("duration") == "1h 10m"
    assert full_context(make_incident()).lookup("duration") == "20m"


def test_recent_entries_skip_superseded_other_kinds_and_respect_the_limit() -> None:
    timeline = [
        entry(1, 1, "action", "first"),
        entry(2, 2, "action", "typo'd action"),
        entry(3, 2, "action", "corrected action", supersedes=2),
        entry(4, 3, "note", "just a note"),
        entry(5, 4, "action", "multi\nline   text"),
        replace(entry(6, 5, "action", "other incident"), incident_id=99),
    ]
    context = build_context(make_incident(), timeline, now=NOW, tz=PARIS, recent_limit=2)
    assert context.lookup("recent_actions") == (
        "- 14:02 CET corrected action\n- 14:04 CET multi line text"
    )
    assert context.lookup("recent_decisions") is None


def test_an_entry_from_another_day_shows_its_date() -> None:
    old = replace(entry(1, 0, "decision", "freeze deploys"), at=DECLARED - dt.timedelta(days=1))
    context = build_context(make_incident(), [old], now=NOW, tz=PARIS)
    assert context.lookup("recent_decisions") == "- 2026-11-21 14:00 CET freeze deploys"


def test_runbook_answers_by_slug_and_as_a_list() -> None:
    template = parse_template(
        "---\naudience: internal\nphase: update\ntitle: t\n---\n"
        "Region: {answer:which_region}; customers: {answer:customers_told}\n{answers}\n"
        "{answer:data-loss}",
        "t.md",
    )
    text = render(template, full_context())
    assert text == (
        "Region: eu-west-1; customers: ⟨answer: customers_told?⟩\n"
        "- Which region?: eu-west-1\n- Data loss?: no\nno"
    )


def test_blank_free_field_is_a_marker_not_a_blank() -> None:
    template = parse_template(
        "---\naudience: external\nphase: update\ntitle: t\n---\nETA: {eta}", "t.md"
    )
    context = bare_context().with_free({"eta": "   "})
    assert render(template, context) == "ETA: ⟨ETA?⟩"
    assert render(template, context.with_free({"eta": "16:00 CET"})) == "ETA: 16:00 CET"


def test_free_fields_cannot_overwrite_incident_values() -> None:
    with pytest.raises(ValueError, match="filled from the incident"):
        bare_context().with_free({"title": "something else"})
    with pytest.raises(ValueError, match="not a field name"):
        bare_context().with_free({"__class__": "x"})


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        build_context(make_incident(), [], now=dt.datetime(2026, 1, 1), tz=PARIS)


def test_spell_duration() -> None:
    assert spell_duration(dt.timedelta(minutes=15)) == "15 minutes"
    assert spell_duration(dt.timedelta(hours=1)) == "1 hour"
    assert spell_duration(dt.timedelta(days=1)) == "24 hours"
    assert spell_duration(dt.timedelta(hours=48)) == "48 hours"
    assert spell_duration(dt.timedelta(days=3)) == "3 days"
    assert spell_duration(dt.timedelta(weeks=1)) == "1 week"
    assert spell_duration(dt.timedelta(minutes=90)) == "90 minutes"


def test_suggest_phase() -> None:
    assert suggest_phase(make_incident()) == "initial"
    assert suggest_phase(make_incident(last_update_at=NOW)) == "update"
    assert suggest_phase(make_incident(status="resolved", resolved_at=NOW)) == "resolution"


# -- loading and checking ----------------------------------------------------------


def write(tmp_path: Path, name: str, body: str, header: str = "") -> Path:
    path = tmp_path / name
    head = header or "audience: internal\nphase: update\ntitle: Test"
    path.write_text(f"---\n{head}\n---\n{body}\n", "utf-8")
    return path


def test_unknown_placeholder_is_a_load_error_naming_file_line_and_name(tmp_path: Path) -> None:
    write(tmp_path, "typo.md", "Status: {status}\nETA: {etaa}")
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'typo.md'}:7: unknown placeholder {{etaa}}")
    assert "did you mean {eta}?" in message


@pytest.mark.parametrize(
    "slot",
    [
        "{__class__}",
        "{0.__globals__}",
        "{title.__class__}",
        "{title[0]}",
        "{eta!r}",
        "{eta:>10}",
        "{answer:__init__}",
        "{0}",
        "{}",
        "{7*7}",
    ],
)
def test_injection_attempts_in_a_template_are_refused_at_load(slot: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(f"t.md:6: unknown placeholder {slot}")):
        parse_template(f"---\naudience: internal\nphase: update\ntitle: t\n---\n{slot}", "t.md")


def test_double_braces_are_literal_braces() -> None:
    template = parse_template(
        "---\naudience: internal\nphase: update\ntitle: t\n---\n{{7*7}} {{eta}} {{{eta}}}", "t.md"
    )
    assert render(template, full_context()) == "{7*7} {eta} {15:00 CET}"


@pytest.mark.parametrize("body", ["a { b", "closing } alone", "{eta"])
def test_a_lone_brace_is_refused(body: str) -> None:
    with pytest.raises(TemplateError, match=r"t\.md:6: a lone"):
        parse_template(f"---\naudience: internal\nphase: update\ntitle: t\n---\n{body}", "t.md")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no header", "t.md:1: a template starts with a '---' header"),
        ("---\naudience: internal\nphase: update\ntitle: t\n", "not closed"),
        ("---\nphase: update\ntitle: t\n---\nx", "audience is required"),
        ("---\naudience: public\nphase: update\ntitle: t\n---\nx", "t.md:2: audience: 'public'"),
        ("---\naudience: internal\nphase: later\ntitle: t\n---\nx", "t.md:3: phase: 'later'"),
        ("---\naudience: internal\nphase: update\n---\nx", "title is required"),
        ("---\naudience: internal\nphase: update\ntitle: t\ncolour: red\n---\nx", "t.md:5:"),
        ("---\naudience: internal\nphase: update\ntitle: t\n---\n\n  \n", "no text"),
        ("---\naudience: internal\nphase: update\ntitle: t\nfields: title\n---\nx", "incident"),
    ],
)
def test_bad_headers_name_the_problem(text: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(problem)):
        parse_template(text, "t.md")


def test_team_directory_overrides_and_extends_the_defaults() -> None:
    loaded = load_templates(FIXTURES / "team")
    assert set(loaded) == DEFAULT_NAMES | {"customer-apology"}
    override = loaded["external-initial"]
    assert override.title == "Team - external initial (override)"
    assert override.source == str(FIXTURES / "team" / "external-initial.md")
    assert render(override, full_context()).startswith("ACME status: we are looking into")
    # the other defaults are untouched
    assert loaded["external-update"].source.endswith("(default)")


def test_declared_fields_are_free_fields_the_composer_asks_for() -> None:
    apology = load_templates(FIXTURES / "team")["customer-apology"]
    assert apology.free_fields == ("customer_segment", "credit_offer")
    context = full_context()
    assert render(apology, context).startswith("Dear ⟨customer segment?⟩ customers,")
    filled = context.with_free({"customer_segment": "Premium", "credit_offer": "A 10% credit."})
    assert render(apology, filled) == (
        "Dear Premium customers,\n\n"
        "the problem with checkout API (#12) was resolved as of 2026-11-22 15:10 CET.\n"
        "A 10% credit."
    )


def test_two_files_with_one_name_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "x", "name: same\naudience: internal\nphase: update\ntitle: A")
    write(tmp_path, "b.txt", "y", "name: same\naudience: internal\nphase: update\ntitle: B")
    with pytest.raises(TemplateError, match="'same' is also defined in"):
        load_templates(tmp_path)


def test_missing_team_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        load_templates(tmp_path / "nope")


def test_crlf_and_bom_files_load(tmp_path: Path) -> None:
    (tmp_path / "win.md").write_bytes(
        "\ufeff---\r\naudience: internal\r\nphase: update\r\ntitle: W\r\n---\r\n"
        "ETA {eta}\r\n".encode()
    )
    assert render(load_templates(tmp_path)["win"], full_context()) == "ETA 15:00 CET"


# -- incident text is data, never markup or code -----------------------------------


HOSTILE = [
    "{__class__}",
    "{0.__globals__}",
    "{{7*7}}",
    "{eta}",
    "[bold]loud[/bold] [#33]",
    "${jndi:ldap://x}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_incident_text_stays_literal(defaults: dict[str, Template], text: str) -> None:
    incident = make_incident(title=text, impact_services=text, impact_users=text)
    context = full_context(incident)
    for name in ("incident-update", "external-initial", "internal-alert"):
        rendered = render(defaults[name], context)
        assert text in rendered
        assert "49" not in rendered and "<class" not in rendered and "function" not in rendered
    assert render(defaults["incident-update"], context).splitlines()[1] == f"Incident: #12 {text}"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]8;;http://evil\x07link", "␛]8;;http://evil␇link"),
        ("\x9b2J", "⟨U+009B⟩2J"),
        ("over\rwrite", "over␍write"),
        ("abc\u202edef", "abc⟨U+202E⟩def"),
        ("bell\x07 del\x7f", "bell␇ del␡"),
    ],
)
def test_control_characters_in_values_are_made_visible(
    defaults: dict[str, Template], raw: str, shown: str
) -> None:
    context = full_context(make_incident(title=raw))
    rendered = render(defaults["internal-alert"], context)
    assert shown in rendered
    assert not any(c in rendered for c in "\x1b\x07\x9b\r\u202e\x7f")


def test_visible_controls_keeps_newlines_tabs_and_ordinary_unicode() -> None:
    assert visible_controls("a\tb\r\nc ⟨é⟩ 日本") == "a\tb\nc ⟨é⟩ 日本"


def test_control_characters_in_team_templates_are_made_visible_too(tmp_path: Path) -> None:
    write(tmp_path, "sneaky.md", "\x1b[2J{title}")
    assert render(load_templates(tmp_path)["sneaky"], full_context()) == "␛[2JAPI 5xx spike"


# -- documentation and boundaries --------------------------------------------------


def test_module_docstring_lists_every_placeholder() -> None:
    doc = templates_module.__doc__ or ""
    time_forms = {f"{k}{s}" for k in TIME_KEYS for s in ("_at", "_at_utc", "_time", "_time_utc")}
    for name in [*PLACEHOLDERS, *FREE_FIELDS]:
        if name in time_forms:
            continue
        assert f"{{{name}}}" in doc, name
    for key in TIME_KEYS:
        assert key in doc
    for form in ("{T_at}", "{T_at_utc}", "{T_time}", "{T_time_utc}", "{answer:KEY}"):
        assert form in doc


def test_templates_module_imports_no_ui_and_no_database() -> None:
    code = (
        "import sys, warroom.domain.templates; "
        "bad = [m for m in ('textual', 'sqlite3', 'sqlite_utils') if m in sys.modules]; "
        "print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", sorted(DEFAULT_NAMES))
def test_without_a_status_page_its_line_is_left_out_not_marked(
    defaults: dict[str, Template], name: str
) -> None:
    template = defaults[name]
    with_page = render(template, full_context())
    without = replace(full_context(), values={**full_context().values, "status_page_url": None})
    text = render(template, without)
    assert "status page URL" not in text and "https://status.example.com" not in text
    assert unfilled(template, without) == []  # nothing left to fill: one ctrl+s posts it
    if "status_page_url" in template.placeholders:
        [quoted] = [line for line in with_page.splitlines() if "status.example.com" in line]
        assert text.splitlines() == [line for line in with_page.splitlines() if line != quoted]
    else:
        assert text == with_page


def test_a_multi_line_value_before_the_status_page_keeps_the_right_line_out() -> None:
    template = parse_template(
        "---\naudience: internal\nphase: update\ntitle: T\n---\n"
        "Done:\n{recent_actions}\nStatus: {status_page_url}\nETA: {eta}",
        "t.md",
    )
    context = replace(
        bare_context(), values={**bare_context().values, "recent_actions": "- a\n- b"}
    )
    assert render(template, context).splitlines() == ["Done:", "- a", "- b", "ETA: ⟨ETA?⟩"]


def test_the_packaged_templates_read_as_files_are_the_packages_own() -> None:
    """Read beside the package (no importlib resource readers before the first frame):
    the same files importlib.resources lists."""
    from importlib import resources

    from warroom.loaders.templates import _packaged

    listed = resources.files("warroom.defaults") / "templates"
    assert sorted(f.name for f in _packaged()) == sorted(f.name for f in listed.iterdir())
