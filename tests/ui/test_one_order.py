"""The console's incident table and `warroom list` show incidents in one order."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.ui.helpers import make_app, ready, wait_for
from tests.unit.test_read_model import ENDED, LIVE, seed
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.service import WarRoom
from warroom.tui.widgets.incident_table import IncidentTable


def _listed(db_path: Path, *args: str) -> list[int]:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--as", "Ana", "list", *args, "--json"])
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


async def test_console_table_and_cli_list_agree_on_the_order(
    db_path: Path, room: WarRoom, clock: FrozenClock, cli_clock: FrozenClock
) -> None:
    ids = seed(room, clock)
    names = {number: title for title, number in ids.items()}
    live, every = _listed(db_path), _listed(db_path, "--all")
    assert [names[i] for i in every] == LIVE + ENDED
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        table = app.query_one(IncidentTable)
        assert table.order == live
        await pilot.press("t")  # ended incidents too: after the live ones, as in `list --all`
        await wait_for(pilot, lambda: len(table.order) == len(every))
        assert table.order == every
