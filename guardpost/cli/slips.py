"""The ``slips`` command group: release slips."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Not yet: filled in by the vehicles issue."""
