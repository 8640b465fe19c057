"""Errors a person can act on: a catalogue key and its parameters, shown in their language.

``Explained`` is the one shape (``domain.Said``): a message key plus parameters.
``GuardpostError`` adds a next step and the CLI's exit status; ``InvalidValue`` is a refused value
(a typed field, a CSV cell, a card number: ``validate.Invalid``, ``uid.UidError`` and the
importer's checks); ``RowProblem`` places one such refusal at a row and column of a file.
"""

from __future__ import annotations

import errno

from guardpost import exits
from guardpost.domain import Said
from guardpost.i18n import t


class Explained(Said):
    """A catalogue key and the parameters of its message (``domain.Said``), as an error says it."""

    def message(self, lang: str | None = None) -> str:
        return self.text(lang)

    __hash__ = object.__hash__  # errors compare by identity, like any exception
    __eq__ = object.__eq__


class GuardpostError(Explained, Exception):
    """A domain error with a title and a next step, both from the catalogue.

    ``exit_code`` is what the CLI exits with when this error ends a command (``guardpost.exits``).
    """

    exit_code = exits.BAD_VALUE

    def __init__(self, key: str, hint_key: str | None = None, /, **params: object) -> None:
        Explained.__init__(self, key, **params)
        Exception.__init__(self, key)
        self.hint_key = hint_key

    def title(self, lang: str | None = None) -> str:
        return self.text(lang)  # parameters that are messages themselves are said in ``lang`` too

    def hint(self, lang: str | None = None) -> str | None:
        return Said(self.hint_key, **self.params).text(lang) if self.hint_key else None

    def message(self, lang: str | None = None) -> str:
        hint = self.hint(lang)
        return f"{self.title(lang)}\n{hint}" if hint else self.title(lang)

    def __str__(self) -> str:
        return self.message()


class ConfigError(GuardpostError):
    exit_code = exits.BAD_VALUE


class StorageError(GuardpostError):
    exit_code = exits.STORAGE


class InvalidValue(Explained, ValueError):
    """A value that cannot be used; ``key`` names the reason in the catalogue."""

    def __init__(self, key: str, /, **params: object) -> None:
        Explained.__init__(self, key, **params)
        ValueError.__init__(self, key)

    def __str__(self) -> str:
        try:
            return self.message()
        except KeyError:  # a broken catalogue must not hide the original problem
            return f"{self.key} {self.params!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class ImportRefused(GuardpostError):
    """A CSV file that cannot be imported as a whole (unreadable, empty, wrong columns or
    encoding); nothing was written."""

    exit_code = exits.IMPORT_REFUSED


class UsageProblem(GuardpostError):
    """A command given a value it does not take (as a mistyped option: ``exits.USAGE``)."""

    exit_code = exits.USAGE


class ImportRejected(GuardpostError):
    """A CSV import found bad rows; nothing was written. ``problems`` lists them."""

    exit_code = exits.IMPORT_REFUSED

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("import.rejected", "import.rejected_hint", count=len(problems))
        self.problems = problems


class RowProblem(Explained):
    """One bad cell: the file's row number (header is row 1), the column, and why."""

    def __init__(self, row: int, column: str, key: str, /, **params: object) -> None:
        super().__init__(key, **params)
        self.row = row
        self.column = column

    @classmethod
    def of(cls, row: int, column: str, refusal: Explained) -> RowProblem:
        return cls(row, column, refusal.key, **refusal.params)

    def reason(self, lang: str | None = None) -> str:
        return self.message(lang)

    def describe(self, lang: str | None = None) -> str:
        return t("import.row_problem", lang, row=self.row, column=self.column, reason=self.reason(lang))

    def __repr__(self) -> str:
        return f"RowProblem(row={self.row}, column={self.column!r}, key={self.key!r})"


_OS_ERRORS = {
    errno.ENOENT: "os.not_found",
    errno.EACCES: "os.permission",
    errno.EPERM: "os.permission",
    errno.EISDIR: "os.is_directory",
    errno.ENOTDIR: "os.not_directory",
    errno.ENOSPC: "os.disk_full",
    errno.EROFS: "os.read_only",
    errno.EIO: "os.io",
}


def os_error(exc: OSError) -> Said:
    """What the system said, in the user's words for the usual reasons (else its own text)."""
    key = _OS_ERRORS.get(exc.errno or -1)
    return Said(key) if key else Said("os.other", error=exc.strerror or str(exc))
