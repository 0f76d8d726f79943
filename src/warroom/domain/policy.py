"""The incident policy: severities and their clocks, contacts and rota, read from YAML.

`parse_policy` takes the YAML text; `warroom.loaders.policy` reads the file
(or the packaged default, defaults/policy.yaml, from the seeds). Every error
names the file, the line and the field, e.g.
`policy.yaml:14: severities.P1.update_every: "3x" is not a duration`.
Severity names are whatever the file lists (P0-P3, SEV1-SEV5, ...); their
order is their rank, most severe first. Unknown or repeated fields are errors,
so a typo cannot silently switch a clock off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from warroom.domain.alerts.policy import NO_ALERTS_SECTION, AlertPolicy, read_alert_policy
from warroom.domain.business_hours import BusinessHours, read_business_hours
from warroom.domain.ladder_reader import read_rung_kinds
from warroom.domain.pages import NO_PAGES_SECTION, PagesPolicy, read_pages_policy
from warroom.domain.policy_reader import (
    PolicyError,
    PolicyReader,
    format_duration,
    parse_duration,
)
from warroom.domain.roles import BUILT_IN, RoleSet, read_incident_roles
from warroom.domain.rota import Contact, Rota, read_contacts, read_roles, read_rota
from warroom.errors import InvalidInput

if TYPE_CHECKING:  # PyYAML is imported when a file is read (a cached policy needs none)
    import yaml


@dataclass(frozen=True)
class WarningThreshold:
    """When a running timer turns from ok to warning: a share of its window, or a fixed lead."""

    fraction: float | None = None
    before: dt.timedelta | None = None

    def reached(self, remaining: dt.timedelta, window: dt.timedelta) -> bool:
        """Whether `remaining` of a timer that ran for `window` is inside the warning zone."""
        return remaining <= self.lead(window)

    def lead(self, window: dt.timedelta) -> dt.timedelta:
        """How long before its deadline a timer that runs for `window` turns to warning."""
        return self.before if self.before is not None else window * (self.fraction or 0.0)

    @classmethod
    def parse(cls, text: str) -> WarningThreshold:
        """`25%` of a timer's window, or a fixed lead such as `5m`; ValueError otherwise."""
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text.strip())
        if match and 0 < float(match.group(1)) < 100:
            return cls(fraction=float(match.group(1)) / 100)
        try:
            return cls(before=parse_duration(text))
        except ValueError:
            pass
        raise ValueError(f'"{text}" is not a share between 0% and 100% or a duration (25%, 5m)')

    def __str__(self) -> str:
        if self.before is not None:
            return format_duration(self.before)
        return f"{(self.fraction or 0.0) * 100:g}%"


@dataclass(frozen=True)
class NotifyHook:
    """A program run when an escalation rung is reached (argv, no shell).

    Escalations only: an SLA breach does not run it (a breach is recorded on the
    timeline and rings the console's bell); see service/clocks.run_notify_hook."""

    program: str
    args: tuple[str, ...] = ()

    def command(self, values: Mapping[str, str]) -> list[str]:
        """The argv with `{incident}`, `{severity}`, ... filled; unknown names stay as written."""

        def fill(match: re.Match[str]) -> str:
            return values.get(match.group(1), match.group(0))

        return [self.program, *(re.sub(r"\{(\w+)\}", fill, arg) for arg in self.args)]


@dataclass(frozen=True)
class LadderRung:
    """One step of a severity's escalation ladder: who is called, and when."""

    who: str
    after: dt.timedelta
    when: str  # "unacknowledged", "unresolved" or "always" (a plain timer)
    notify: str = ""  # empty: the severity's notification method
    kinds: tuple[str, ...] = ()  # incident kinds it applies to; empty: every kind


@dataclass(frozen=True)
class Severity:
    """One severity of the policy: its clocks, its notification and its ladder."""

    name: str
    rank: int  # 0 is the most severe
    label: str
    description: str
    ack: dt.timedelta
    first_update: dt.timedelta
    update_every: dt.timedelta
    resolve_within: dt.timedelta
    notify: str
    postmortem_due: dt.timedelta
    ladder: tuple[LadderRung, ...]
    business_hours: bool = False  # count only working hours (policy.business_hours)
    warn_before: WarningThreshold | None = None  # None: the policy's threshold
    # a cadence per audience: `update_every` is then the internal one; None: one
    # cadence for both audiences (one clock that an update to either meets)
    external_update_every: dt.timedelta | None = None


@dataclass(frozen=True)
class Policy:
    """The response policy: severities, clocks, ladders, contacts and the rest."""

    severities: tuple[Severity, ...]
    source: str
    warn_before: WarningThreshold = WarningThreshold(fraction=0.25)
    bell: bool = True  # ring the terminal bell on a breach
    notify_hook: NotifyHook | None = None
    contacts: tuple[Contact, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)  # ladder title -> contact name
    rota: Rota | None = None
    business_hours: BusinessHours | None = None
    status_page_url: str = ""  # for update templates
    require_postmortem_owner: bool = True  # closing names who writes the post-mortem
    incident_roles: RoleSet = BUILT_IN  # the roles an incident can have (ladder-and-roles)
    alerts: AlertPolicy = NO_ALERTS_SECTION  # how alerts become incidents (domain/alerts/policy.py)
    pages: PagesPolicy = NO_PAGES_SECTION  # who is paged, retries, secrets (domain/pages.py)
    # what the policy record keeps (policy_record.py): the text as read, the file's date
    text: str = field(default="", compare=False, repr=False)
    modified: dt.datetime | None = field(default=None, compare=False)

    @property
    def severity_names(self) -> list[str]:
        return [s.name for s in self.severities]

    @cached_property
    def _by_name(self) -> dict[str, Severity]:
        """Severities by lower-cased name (the first of a name wins), looked up per timer."""
        found: dict[str, Severity] = {}
        for sev in self.severities:
            found.setdefault(sev.name.lower(), sev)
        return found

    @cached_property
    def _ranks(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for sev in self.severities:
            found.setdefault(sev.name, sev.rank)
        return found

    @cached_property
    def _contacts(self) -> dict[str, Contact]:
        found: dict[str, Contact] = {}
        for contact in self.contacts:
            found.setdefault(contact.name.casefold(), contact)
        return found

    def severity(self, name: str) -> Severity:
        """The severity called `name` (case-insensitive), or InvalidInput naming them all."""
        sev = self._by_name.get(name.strip().lower())
        if sev is not None:
            return sev
        raise InvalidInput(
            f"unknown severity {name!r} (expected one of: {', '.join(self.severity_names)})"
        )

    def rank(self, name: str) -> int:
        """Sort key: 0 for the most severe; unknown names sort last."""
        return self._ranks.get(name, len(self.severities))

    def clock_for(self, severity: Severity) -> BusinessHours | None:
        """The business-hours calendar a severity's timers count in, or None (24/7)."""
        return self.business_hours if severity.business_hours else None

    def warning_for(self, severity: Severity) -> WarningThreshold:
        """The warning threshold of a severity: its own, else the policy's."""
        return severity.warn_before or self.warn_before

    def contact(self, name: str) -> Contact | None:
        """The contact called `name`, if the policy lists one."""
        return self._contacts.get(name.strip().casefold())


_SEVERITY_FIELDS = tuple(
    "label description ack first_update update_every resolve_within notify postmortem_due"
    " ladder business_hours warn_before".split()
)
_RUNG_FIELDS = ("who", "after", "when", "notify", "kinds")
_TOP_FIELDS = tuple(
    "severities warn_before bell notify_hook contacts roles rota business_hours"
    " status_page_url require_postmortem_owner".split()
)
_TOP_FIELDS += ("incident_roles",)  # the roles an incident can have (domain/roles.py)
_TOP_FIELDS += ("alerts",)  # how alerts become incidents (domain/alerts/policy.py)
_TOP_FIELDS += ("pages",)  # who is paged, retries, secrets (domain/pages.py)
_REQUIRED = ("ack", "update_every", "resolve_within")
_CONDITIONS = ("unacknowledged", "unresolved", "always")


def _rung(reader: PolicyReader, where: str, node: yaml.Node) -> LadderRung:
    rung = reader.mapping(node, where, allowed=_RUNG_FIELDS)
    if "who" not in rung:
        raise reader.fail(node, f"{where}.who", "is required")
    who = reader.text(rung, where, "who")
    if not who:
        raise reader.fail(rung["who"][1], f"{where}.who", "is empty")
    when = reader.text(rung, where, "when", "unacknowledged")
    if when not in _CONDITIONS:
        raise reader.fail(
            rung["when"][1],
            f"{where}.when",
            f'"{when}" is not a condition (unacknowledged, unresolved or always)',
        )
    after = reader.duration(rung["after"][1], f"{where}.after") if "after" in rung else None
    notify = reader.text(rung, where, "notify")
    kinds = read_rung_kinds(reader, rung["kinds"][1], f"{where}.kinds") if "kinds" in rung else ()
    return LadderRung(
        who=who, after=after or dt.timedelta(0), when=when, notify=notify, kinds=kinds
    )


def _ladder(reader: PolicyReader, where: str, node: yaml.Node) -> tuple[LadderRung, ...]:
    ladder: list[LadderRung] = []
    for i, rung_node in enumerate(reader.sequence(node, f"{where}.ladder")):
        rung = _rung(reader, f"{where}.ladder[{i}]", rung_node)
        if ladder and rung.after < ladder[-1].after:
            raise reader.fail(
                rung_node,
                f"{where}.ladder[{i}].after",
                f"{format_duration(rung.after)} is earlier than the rung above"
                f" ({format_duration(ladder[-1].after)}); list rungs in the order they fire",
            )
        ladder.append(rung)
    return tuple(ladder)


def _severity(
    reader: PolicyReader,
    rank: int,
    name: str,
    key: yaml.Node,
    node: yaml.Node,
    hours: BusinessHours | None,
) -> Severity:
    where = f"severities.{name}"
    fields = reader.mapping(node, where, allowed=_SEVERITY_FIELDS)
    for required in _REQUIRED:
        if required not in fields:
            raise reader.fail(key, f"{where}.{required}", "is required")

    def duration(field_name: str, default: dt.timedelta) -> dt.timedelta:
        if field_name not in fields:
            return default
        return reader.duration(fields[field_name][1], f"{where}.{field_name}")

    business = reader.boolean(fields, where, "business_hours", False)
    if business and hours is None:
        raise reader.fail(
            fields["business_hours"][1],
            f"{where}.business_hours",
            "needs a business_hours section at the top level of the policy",
        )
    warn = fields.get("warn_before")
    update_every, external_every = _cadences(reader, where, fields["update_every"][1])
    return Severity(
        name=name,
        rank=rank,
        label=reader.text(fields, where, "label", name),
        description=reader.text(fields, where, "description"),
        ack=duration("ack", dt.timedelta(0)),
        first_update=duration("first_update", external_every or update_every),
        update_every=update_every,
        resolve_within=duration("resolve_within", dt.timedelta(0)),
        notify=reader.text(fields, where, "notify"),
        postmortem_due=duration("postmortem_due", dt.timedelta(weeks=1)),
        ladder=_ladder(reader, where, fields["ladder"][1]) if "ladder" in fields else (),
        business_hours=business,
        warn_before=reader.convert(warn[1], f"{where}.warn_before", WarningThreshold.parse)
        if warn
        else None,
        external_update_every=external_every,
    )


def _cadences(
    reader: PolicyReader, where: str, node: yaml.Node
) -> tuple[dt.timedelta, dt.timedelta | None]:
    """`update_every: 30m` (one cadence, both audiences) or a cadence per audience,
    `update_every: {internal: 15m, external: 30m}`: (internal, external or None)."""
    import yaml

    field_name = f"{where}.update_every"
    if not isinstance(node, yaml.MappingNode):
        return reader.duration(node, field_name), None
    cadences = reader.mapping(node, field_name, allowed=("internal", "external"))
    for audience in ("internal", "external"):
        if audience not in cadences:
            raise reader.fail(
                node,
                f"{field_name}.{audience}",
                "is required (give both audiences, or one duration for both)",
            )
    return (
        reader.duration(cadences["internal"][1], f"{field_name}.internal"),
        reader.duration(cadences["external"][1], f"{field_name}.external"),
    )


def _notify_hook(reader: PolicyReader, node: yaml.Node) -> NotifyHook:
    fields = reader.mapping(node, "notify_hook", allowed=("program", "args"))
    program = reader.text(fields, "notify_hook", "program")
    if not program:
        raise reader.fail(
            fields["program"][1] if "program" in fields else node,
            "notify_hook.program",
            "is required (the path of the program to run)",
        )
    args: list[str] = []
    if "args" in fields:
        for i, arg in enumerate(reader.sequence(fields["args"][1], "notify_hook.args")):
            args.append(reader.scalar(arg, f"notify_hook.args[{i}]"))
    return NotifyHook(program=program, args=tuple(args))


def parse_policy(text: str, source: str) -> Policy:
    """Build a Policy from YAML text; `source` names the file in errors."""
    from warroom.domain.yaml_text import compose_yaml

    root = compose_yaml(text, source, PolicyError)
    if root is None:
        raise PolicyError(f"{source}: the file is empty")
    reader = PolicyReader(source)
    top = reader.mapping(root, "", allowed=_TOP_FIELDS)
    if "severities" not in top:
        raise reader.fail(root, "severities", "is required")
    sev_node = top["severities"][1]
    sev_fields = reader.mapping(sev_node, "severities")
    if not sev_fields:
        raise reader.fail(sev_node, "severities", "needs at least one severity")

    def section(name: str) -> yaml.Node | None:
        return top[name][1] if name in top else None

    hours_node, contacts_node = section("business_hours"), section("contacts")
    roles_node, rota_node = section("roles"), section("rota")
    hook_node, warn_node = section("notify_hook"), section("warn_before")
    hours = read_business_hours(reader, hours_node) if hours_node else None
    contacts = read_contacts(reader, contacts_node) if contacts_node else ()
    severities = tuple(
        _severity(reader, rank, name, key, node, hours)
        for rank, (name, (key, node)) in enumerate(sev_fields.items())
    )
    return Policy(
        severities=severities,
        source=source,
        warn_before=(
            reader.convert(warn_node, "warn_before", WarningThreshold.parse)
            if warn_node
            else WarningThreshold(0.25)
        ),
        bell=reader.boolean(top, "", "bell", True),
        notify_hook=_notify_hook(reader, hook_node) if hook_node else None,
        contacts=contacts,
        roles=read_roles(reader, roles_node, contacts) if roles_node else {},
        rota=read_rota(reader, rota_node, contacts) if rota_node else None,
        business_hours=hours,
        status_page_url=reader.text(top, "", "status_page_url"),
        require_postmortem_owner=reader.boolean(top, "", "require_postmortem_owner", True),
        incident_roles=(
            read_incident_roles(reader, top["incident_roles"][1])
            if "incident_roles" in top
            else BUILT_IN
        ),
        alerts=(
            read_alert_policy(reader, top["alerts"][1], [s.name for s in severities])
            if "alerts" in top
            else NO_ALERTS_SECTION
        ),
        pages=_pages(reader, section("pages"), contacts, hook_node, contacts_node),
        text=text,
    )


def _pages(
    reader: PolicyReader,
    node: yaml.Node | None,
    contacts: tuple[Contact, ...],
    hook_node: yaml.Node | None,
    contacts_node: yaml.Node | None,
) -> PagesPolicy:
    """The `pages:` section; a contact paged through `hook` needs a notify_hook."""
    if hook_node is None and contacts_node is not None:
        for contact in contacts:
            if "hook" in contact.channels:
                raise reader.fail(
                    contacts_node,
                    "contacts",
                    f'{contact.name} is paged through "hook", but the policy has no notify_hook',
                )
    return read_pages_policy(reader, node, contacts) if node is not None else NO_PAGES_SECTION
