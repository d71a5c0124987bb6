"""The errors every app's actions raise alike, defined once.

An action raises `NotAllowed` when the actor may reach the object (its getter let them
through) but the rules do not let them do this to it. It raises `StaleEdit` when someone
else saved the record after the editor opened it: nothing is overwritten, and `current`
is what the other person saved (or None when there is nothing saved yet), so the page can
show both side by side.
"""

from __future__ import annotations

from typing import Any


class NotAllowed(Exception):
    """The actor may not do this."""


class StaleEdit(Exception):
    """Someone else saved the record after the editor opened it; `current` is theirs."""

    def __init__(self, current: Any) -> None:
        super().__init__("The record was changed by someone else.")
        self.current = current
