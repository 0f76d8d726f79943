"""Where forms cancelled with Esc wait, one per dialog and incident, to be offered
again on reopening (see dialogs/form.py). It lives on the app, so a pane and the
main screen reach the same memory; it is apart from the forms so the console
starts without loading them."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

T = TypeVar("T")


class FormMemory:
    """Forms cancelled with Esc, by (dialog, incident): offered again on reopening."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, object] = {}

    def get(self, key: Hashable, kind: type[T]) -> T | None:
        found = self._kept.get(key)
        return found if isinstance(found, kind) else None

    def keeper(self, key: Hashable) -> Callable[[Any], None]:
        """What a form calls with its typed values on Esc (None forgets them)."""

        def keep(draft: object) -> None:
            if draft is None:
                self._kept.pop(key, None)
            else:
                self._kept[key] = draft

        return keep


class _HasMemory(Protocol):
    form_memory: FormMemory


def memory_of(node: DOMNode) -> FormMemory:
    """The form memory of the console `node` belongs to."""
    return cast(_HasMemory, node.app).form_memory
