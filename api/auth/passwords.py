"""Password strength rules: long enough, not a well-known password, not the account's own email."""

from __future__ import annotations

from pathlib import Path

from api.auth.exceptions import WeakPassword

MIN_LENGTH = 10
_COMMON = frozenset(
    line.strip().lower()
    for line in (Path(__file__).with_name("common_passwords.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


def check_password_strength(password: str, *, email: str, field: str = "password") -> None:
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        raise WeakPassword(field, f"Use at least {MIN_LENGTH} characters.")
    if lowered in _COMMON or len(set(lowered)) <= 2:
        raise WeakPassword(field, "This password is too common. Choose something harder to guess.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise WeakPassword(field, "Don't use your email address in your password.")
