"""Errors a person can act on: a catalogue key for the title and one for the next step."""

from __future__ import annotations

from guardpost.i18n import t


class GuardpostError(Exception):
    """A domain error with a title and a next step, both from the catalogue.

    ``exit_code`` is what the CLI exits with when this error ends a command.
    """

    exit_code = 3

    def __init__(self, key: str, hint_key: str | None = None, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.hint_key = hint_key
        self.params = params

    def title(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def hint(self, lang: str | None = None) -> str | None:
        return t(self.hint_key, lang, **self.params) if self.hint_key else None

    def message(self, lang: str | None = None) -> str:
        hint = self.hint(lang)
        return f"{self.title(lang)}\n{hint}" if hint else self.title(lang)

    def __str__(self) -> str:
        return self.message()


class ConfigError(GuardpostError):
    exit_code = 3


class StorageError(GuardpostError):
    exit_code = 4


class ImportRejected(GuardpostError):
    """A CSV import found bad rows; nothing was written. ``problems`` lists them."""

    exit_code = 5

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("import.rejected", "import.rejected_hint", count=len(problems))
        self.problems = problems


class RowProblem:
    """One bad cell: the file's row number (header is row 1), the column, and why."""

    __slots__ = ("row", "column", "key", "params")

    def __init__(self, row: int, column: str, key: str, **params: object) -> None:
        self.row = row
        self.column = column
        self.key = key
        self.params = params

    def reason(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def describe(self, lang: str | None = None) -> str:
        return t("import.row_problem", lang, row=self.row, column=self.column, reason=self.reason(lang))

    def __repr__(self) -> str:
        return f"RowProblem(row={self.row}, column={self.column!r}, key={self.key!r})"
