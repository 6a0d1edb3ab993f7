from __future__ import annotations

from api.core.errors import InvalidInput


class InvalidUsageQuery(InvalidInput):
    """A usage query that cannot be answered as asked (inverted or too long range, unknown time zone)."""

    code = "invalid_usage_query"
