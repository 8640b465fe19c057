"""Guard PINs: hashed with argon2id (``argon2-cffi``), never stored or logged in clear.

The parameters (32 MiB, 2 passes, 1 lane) make one check take about 60-75 ms on the booth PCs this
was measured on (2 cores; ``benchmarks/bench_shifts.py`` prints it), under the 100 ms a login may
spend on it. Hashes made with other parameters, and the PBKDF2 hashes of guardpost before schema 6,
still verify; ``needs_rehash`` says when to store a new one (at the next good login).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

TIME_COST = 2
MEMORY_KIB = 32 * 1024
PARALLELISM = 1

PIN = re.compile(r"[0-9]{4,8}")


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # loaded with the first PIN: the booth starts without it

    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)


def valid_pin(pin: str) -> bool:
    """A PIN is 4 to 8 ASCII digits."""
    return bool(PIN.fullmatch(pin))


def hash_pin(pin: str) -> str:
    return _hasher().hash(pin)


def verify_pin(pin: str, stored: str) -> bool:
    """Does ``pin`` match the stored hash (argon2id, or a PBKDF2 hash from before schema 6)?"""
    if stored.startswith("pbkdf2_sha256$"):
        return _verify_pbkdf2(pin, stored)
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, pin))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return stored.startswith("pbkdf2_sha256$") or _hasher().check_needs_rehash(stored)


def _verify_pbkdf2(pin: str, stored: str) -> bool:
    try:
        _scheme, iterations, salt, digest = stored.split("$")
        got = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)
