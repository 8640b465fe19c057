"""Every exit status the program uses, in one table (README "Command line")."""

from __future__ import annotations

from guardpost.domain import Decision

ALLOW = 0  # also: a command that did its work
DENY = 1
ALARM = 2
BAD_VALUE = 3  # a bad value, configuration or situation (unknown gate, a second booth on a gate)
STORAGE = 4  # the database refused: missing, damaged, newer, unwritable, not saved
IMPORT_REFUSED = 5  # an import found bad rows and wrote nothing
USAGE = 64  # a mistyped command or option (sysexits EX_USAGE): never mistaken for an alarm (2)
CRASH = 70  # a bug (sysexits EX_SOFTWARE): the details are in crash.log
INTERRUPTED = 130  # Ctrl-C at a prompt

FOR_DECISION: dict[Decision, int] = {Decision.ALLOW: ALLOW, Decision.DENY: DENY, Decision.ALARM: ALARM}
