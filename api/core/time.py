"""One clock for the whole app, so tests can move it and nothing is ever naive."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
