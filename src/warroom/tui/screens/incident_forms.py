"""The forms over the selected incident: declare, status, severity, role, impact,
kind, hand-off, close, status update and export.

Each form returns what the person chose; the screen sends it to the bridge as
one `Write`. A write that fails reopens the form with what was typed (the
request's `restore`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warroom.domain import checklists as checklist_rules
from warroom.domain import lifecycle, sla
from warroom.domain.templates import suggest_phase, templates_for
from warroom.domain.timefmt import format_when
from warroom.domain.vocabulary import INCIDENT_KINDS
from warroom.store import read_model
from warroom.tui.bridge import Read, Write
from warroom.tui.deadline_board import DeadlineBoard
from warroom.tui.form_memory import memory_of
from warroom.tui.screens.console_base import ConsoleBase
from warroom.tui.widgets.checklist_pane import ChecklistPane
from warroom.tui.widgets.follow_up_pane import FollowUpPane
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.people import people_offered
from warroom.tui.widgets.timeline_view import TimelineView

if TYPE_CHECKING:  # the dialogs load when one opens, not before the first frame
    from warroom.service import WarRoom
    from warroom.tui.dialogs.assign import Assignment
    from warroom.tui.dialogs.declare import Declaration
    from warroom.tui.dialogs.export import ExportRequest
    from warroom.tui.dialogs.handoff import HandOff
    from warroom.tui.dialogs.impact import ImpactForm
    from warroom.tui.dialogs.postmortem import PostmortemForm

LISTED_FROM_LONG = 500  # a long timeline's newest TODOs the hand-off lists


def status_options(current: str) -> list[tuple[str, str]]:
    """The statuses `current` may move to, each saying which way it goes."""
    forward = lifecycle.next_status(current)
    order = lifecycle.STATUS_ORDER
    options = []
    for status in lifecycle.allowed_next(current):
        if status == forward:
            how = "next"
        elif status == "cancelled":
            how = "cancel: it was not an incident"
        elif current == "resolved":
            how = "reopen: the fix did not hold"
        elif order.index(status) < order.index(current):
            how = "back"
        else:
            how = "skip ahead"
        options.append((status, f"{status:<14}{how}"))
    return options


class IncidentForms(ConsoleBase):
    """Key actions that open a form about the incident as a whole."""

    board: DeadlineBoard  # the war-room screen's: every incident's timers

    def action_declare(self, draft: Declaration | None = None) -> None:
        from warroom.tui.dialogs.declare import Declaration, DeclareScreen

        def declared(form: Declaration | None) -> None:
            if form is None:
                return

            def declare(room: WarRoom) -> list[Any]:
                number = room.declare(
                    form.title,
                    form.severity,
                    form.kind,
                    form.summary,
                    commander=form.commander,
                    drill=form.drill,
                )
                # the rungs due at once (the on-call) are called now, not at the next
                # heartbeat: a new incident never reads `escal. OVERDUE 1s` meanwhile;
                # the calls made come back so their notify hooks run
                return list(room.sweep([number]).engaged)

            self.write(
                Write(
                    declare,
                    f"Declared {form.title}",
                    restore=lambda: self.app.call_later(self.action_declare, form),
                )
            )

        actor = self.settings.actor.name
        memory = memory_of(self)
        draft = draft or memory.get("declare", Declaration)
        screen = DeclareScreen(self.policy, actor, draft, keep=memory.keeper("declare"))
        self.app.push_screen(screen, declared)

    def action_status(self) -> None:
        from warroom.tui.dialogs.choose import ChooseScreen

        if (incident := self.selected) is None:
            self.require_incident()
            return
        options = status_options(incident.status)
        if not options:
            self.notify(f"#{incident.id} is {incident.status}; its status is final.", markup=False)
            return

        def chosen(status: str | None) -> None:
            if status == "closed":
                self.close_incident()
            elif status:
                self.write(
                    Write(lambda room: room.set_status(incident.id, status), f"Status {status}")
                )

        title = f"Status of #{incident.id} (now {incident.status})"
        # the next step forward is highlighted: `s` Enter never moves an incident back
        forward = lifecycle.next_status(incident.status)
        self.app.push_screen(ChooseScreen(title, options, forward), chosen)

    def action_severity(self) -> None:
        from warroom.tui.dialogs.choose import ChooseScreen

        if (incident := self.selected) is None:
            self.require_incident()
            return
        options = [
            (s.name, f"{s.name}  {s.label} — {s.description}") for s in self.policy.severities
        ]

        def chosen(severity: str | None) -> None:
            if severity and severity != incident.severity:
                self.write(
                    Write(
                        lambda room: room.set_severity(incident.id, severity),
                        f"Severity {severity}",
                    )
                )

        title = f"Severity of #{incident.id}"
        self.app.push_screen(ChooseScreen(title, options, incident.severity), chosen)

    def action_kind(self) -> None:
        from warroom.tui.dialogs.choose import ChooseScreen

        if (incident := self.selected) is None:
            self.require_incident()
            return
        options = [(k, f"{k} — {hint}") for k, hint in INCIDENT_KINDS.items()]

        def chosen(kind: str | None) -> None:
            if kind and kind != incident.kind:
                self.write(Write(lambda room: room.set_kind(incident.id, kind), f"Kind {kind}"))

        title = f"Kind of #{incident.id}"
        self.app.push_screen(ChooseScreen(title, options, incident.kind), chosen)

    def action_assign_role(self, draft: Assignment | None = None) -> None:
        from warroom.tui.dialogs.assign import Assignment, AssignScreen

        if (incident_id := self.require_incident()) is None:
            return
        holders: dict[str, tuple[str, ...]] = {}
        for r in self.query_one(IncidentDetail).roles:
            holders[r.role] = (*holders.get(r.role, ()), r.person)
        roles = self.policy.incident_roles

        def chosen(form: Assignment | None) -> None:
            if form is not None:
                self.write(
                    Write(
                        lambda room: room.assign_role(incident_id, form.role, form.person),
                        f"{form.person} is {roles.label(form.role)}",
                        restore=lambda: self.app.call_later(self.action_assign_role, form),
                    )
                )

        key = ("role", incident_id)
        memory = memory_of(self)
        draft = draft or memory.get(key, Assignment)
        screen = AssignScreen(
            holders, roles, draft, people=people_offered(self), keep=memory.keeper(key)
        )
        self.app.push_screen(screen, chosen)

    def action_unassign_role(self) -> None:
        """Take one person off a role (the others holding it keep it)."""
        from warroom.tui.dialogs.choose import ChooseScreen

        if (incident_id := self.require_incident()) is None:
            return
        roles = self.policy.incident_roles
        held = [r for r in self.query_one(IncidentDetail).roles if not roles.single_holder(r.role)]
        if not held:
            self.notify("Nobody holds a role that can be taken off (hand command off with h)")
            return
        options = [(f"{r.role}\t{r.person}", f"{r.person} — {roles.label(r.role)}") for r in held]

        def chosen(value: str | None) -> None:
            if value:
                role, person = value.split("\t", 1)
                self.write(
                    Write(
                        lambda room: room.unassign_role(incident_id, role, person),
                        f"{person} is no longer {roles.label(role)}",
                    )
                )

        title = f"Take someone off a role on #{incident_id}"
        self.app.push_screen(ChooseScreen(title, options), chosen)

    def action_impact(self) -> None:
        from warroom.tui.dialogs.impact import ImpactScreen

        if (incident := self.selected) is None:
            self.require_incident()
            return
        current = {
            "users": incident.impact_users,
            "services": incident.impact_services,
            "business": incident.impact_business,
        }
        times = {
            "detected_at": incident.detected_at,
            "impact_started_at": incident.impact_started_at,
            "impact_ended_at": incident.impact_ended_at,
        }

        def saved(form: ImpactForm | None) -> None:
            if form is None:
                return

            def write(room: Any) -> None:
                if form.text:
                    room.set_impact(incident.id, **form.text)
                if form.times:
                    room.set_times(incident.id, **form.times)

            self.write(Write(write, "Impact saved"))

        key = ("impact", incident.id)
        memory = memory_of(self)
        screen = ImpactScreen(
            current,
            times,
            now=self.clock.now(),
            tz=self.tz,
            draft=memory.get(key, dict),
            keep=memory.keeper(key),
        )
        self.app.push_screen(screen, saved)

    def action_hand_off(self, draft: HandOff | None = None) -> None:
        if (incident := self.selected) is None:
            self.require_incident()
            return
        view, incident_id = self.query_one(TimelineView), incident.id
        if view.paged is not None:  # a long timeline is not held: its newest TODOs, read

            def todos_of(db: Any) -> list[str]:
                found = read_model.newest_of_kind(db, incident_id, "todo", LISTED_FROM_LONG)
                return [s.entry.text for s in found if not s.struck]

            self.read(Read(todos_of, lambda todos: self._hand_off_to(incident_id, todos, draft)))
            return
        held = view.state.current()
        todos = [s.entry.text for s in held if s.entry.kind == "todo" and not s.struck]
        self._hand_off_to(incident_id, todos, draft)

    def _hand_off_to(self, incident_id: int, todos: list[str], draft: HandOff | None) -> None:
        from warroom.tui.dialogs.handoff import HandOff, HandOffScreen

        if (incident := self.selected) is None or incident.id != incident_id:
            return  # the person moved on meanwhile

        def chosen(form: HandOff | None) -> None:
            if form is not None:
                self.write(
                    Write(
                        lambda room: room.hand_off(incident.id, form.person, form.note),
                        f"{form.person} has command",
                        restore=lambda: self.app.call_later(self.action_hand_off, form),
                    )
                )

        key = ("hand-off", incident.id)
        memory = memory_of(self)
        screen = HandOffScreen(
            incident.commander,
            todos,
            draft or memory.get(key, HandOff),
            people=people_offered(self),
            keep=memory.keeper(key),
        )
        self.app.push_screen(screen, chosen)

    def close_incident(self, typed: str | None = None) -> None:
        """Closing asks who owns the post-mortem and lists the follow-ups still open."""
        from warroom.tui.dialogs.close import CloseScreen

        if (incident := self.selected) is None:
            return
        open_items = [i for i in self.query_one(FollowUpPane).items if i.is_open]
        key = ("close", incident.id)
        memory = memory_of(self)
        owner = typed if typed is not None else memory.get(key, str) or incident.postmortem_owner

        def chosen(name: str | None) -> None:
            if name is not None:
                self.write(
                    Write(
                        lambda room: room.set_status(incident.id, "closed", postmortem_owner=name),
                        f"Closed #{incident.id}",
                        restore=lambda: self.app.call_later(self.close_incident, name),
                    )
                )

        screen = CloseScreen(
            incident.ref,
            owner,
            open_items,
            required=self.policy.require_postmortem_owner,
            suggestion=incident.commander,
            people=people_offered(self),
            keep=memory.keeper(key),
        )
        self.app.push_screen(screen, chosen)

    def action_postmortem(self) -> None:
        """Name the post-mortem's owner, or mark it done (its clock is met then)."""
        from warroom.tui.dialogs.postmortem import PostmortemScreen

        if (incident := self.selected) is None:
            self.require_incident()
            return
        now = self.clock.now()
        # the board's timers: the history (severity changes, reopens) already counted
        timers = self.board.timers(now).get(incident.id, ())
        timer = next((t for t in timers if t.name == "postmortem"), None)
        if timer is not None:
            due = f"Due {format_when(timer.deadline, now, self.tz)} ({sla.countdown(timer)})"
        else:
            due = "Due date: set by the policy once the incident is resolved."
        done_at = incident.postmortem_done_at
        done = format_when(done_at, now, self.tz) if done_at else ""

        def chosen(form: PostmortemForm | None) -> None:
            if form is None:
                return
            said = "Post-mortem done" if form.done else f"Post-mortem owner: {form.owner}"
            self.write(
                Write(
                    lambda room: room.postmortem(incident.id, owner=form.owner, done=form.done),
                    said,
                )
            )

        key = ("postmortem", incident.id)
        memory = memory_of(self)
        screen = PostmortemScreen(
            incident.ref,
            incident.postmortem_owner,
            due=due,
            done=done,
            can_finish=incident.resolved_at is not None,
            typed=memory.get(key, str),
            people=people_offered(self),
            keep=memory.keeper(key),
        )
        self.app.push_screen(screen, chosen)

    # -- status updates -------------------------------------------------------------

    def action_compose(self) -> None:
        from warroom import composer
        from warroom.tui.dialogs.composer import ComposerScreen

        if (incident := self.selected) is None:
            self.require_incident()
            return
        incident_id = incident.id
        templates = self.settings.templates
        fitting = templates_for(templates, audience="external", phase=suggest_phase(incident))
        suggested = (fitting or list(templates.values()))[0].name

        view = self.query_one(TimelineView)
        long_timeline = view.paged is not None
        recent: list[Any] = []  # a long timeline's newest actions and decisions, read below

        def fill(name: str, free: dict[str, str]) -> str:
            # from what the console already shows (as fresh as the last read): no SQLite here
            shown = self.selected or incident
            held = recent if long_timeline else view.state.current()
            entries = [s.entry for s in held if not s.struck]
            answers = checklist_rules.answers(self.query_one(ChecklistPane).lists)
            now = self.clock.now()
            return composer.fill_from(
                shown, entries, answers, self.policy, templates[name], now, self.tz, free
            )

        # the ETA, next steps, ... typed in this incident's composer, kept while the console runs
        memory, key = memory_of(self), ("composer-fields", incident_id)
        free_values = memory.get(key, dict) or {}
        memory.keeper(key)(free_values)

        def opened(found: tuple[Any, Any, list[Any], list[Any]]) -> None:
            if self.selected_id == incident_id and not isinstance(self.app.screen, ComposerScreen):
                draft, posted, newest, statuses = found
                recent[:] = newest
                now = self.clock.now()
                held = statuses if long_timeline else view.state.current()
                changes = [s.entry.logged_at for s in held if s.entry.kind == "status"]
                screen = ComposerScreen(
                    incident_id,
                    templates,
                    suggested,
                    fill,
                    draft,
                    posted,
                    me=self.settings.actor.name,
                    said_when=lambda at: format_when(at, now, self.tz),
                    free_values=free_values,
                    status_changed_at=max(changes, default=None),
                )
                self.app.push_screen(screen)

        # the draft and what was posted are read in a worker, like every other read
        self.read(
            Read(
                lambda db: (
                    composer.draft(db, incident_id),
                    composer.posted(db, incident_id),
                    [
                        entry
                        for kind in ("action", "decision")
                        for entry in read_model.newest_of_kind(db, incident_id, kind, 50)
                    ]
                    if long_timeline
                    else [],
                    read_model.newest_of_kind(db, incident_id, "status", 1)
                    if long_timeline
                    else [],
                ),
                opened,
            )
        )

    # -- export ---------------------------------------------------------------------

    def action_export(self, draft: ExportRequest | None = None) -> None:
        from warroom.tui.dialogs.export import ExportRequest, ExportScreen

        if (incident_id := self.require_incident()) is None:
            return
        settings = self.settings

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            # a link to a missing file counts as taken: writing there needs the same tick
            if (request.path.exists() or request.path.is_symlink()) and not request.force:
                self.notify(
                    f"{request.path} exists; tick “Overwrite” to replace it.",
                    title="Not exported",
                    severity="error",
                    markup=False,
                )
                self.app.call_later(self.action_export, request)
                return

            def render(db: Any) -> str:
                from warroom import transfer  # lazy: export is off the start-up path

                now = settings.clock.now()
                if request.format == "json":
                    text = transfer.export_json(db, incident_id, now)
                else:
                    text = transfer.export_markdown(db, incident_id, settings.policy, now, self.tz)
                path = request.path
                transfer.write_file(path, text, force=request.force, database=settings.db_path)
                return str(path)

            def written(path: str) -> None:
                self.notify(f"Wrote {path}", title="Exported", markup=False)

            self.read(Read(render, written, failed="Not exported"))

        key = ("export", incident_id)
        memory = memory_of(self)
        draft = draft or memory.get(key, ExportRequest)
        self.app.push_screen(ExportScreen(incident_id, draft, keep=memory.keeper(key)), chosen)
