"""The ``permits`` command group: renovation permits and worker passes."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Not yet: filled in by the vehicles issue."""
