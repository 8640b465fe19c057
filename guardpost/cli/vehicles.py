"""The ``vehicles`` command group: the vehicle register."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Not yet: filled in by the vehicles issue."""
