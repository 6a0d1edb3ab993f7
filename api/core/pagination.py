"""Keyset pagination: `?limit=&cursor=` in, `{items, next_cursor}` out, stable under concurrent inserts."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from api.core.errors import InvalidInput

T = TypeVar("T")
M = TypeVar("M")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page (max 200).")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` from the previous page.")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageQuery = Annotated[PageParams, Depends(page_params)]


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, columns: tuple[InstrumentedAttribute[Any], ...]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError("shape")
        return [_parse(value, column) for value, column in zip(raw, columns, strict=True)]
    except (ValueError, TypeError) as exc:
        raise InvalidInput("cursor", "The cursor is not valid for this list.") from exc


def _parse(value: str, column: InstrumentedAttribute[Any]) -> Any:
    python_type = column.type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    return python_type(value)


async def paginate(
    session: AsyncSession,
    statement: Select[M],
    params: PageParams,
    *,
    order_by: tuple[InstrumentedAttribute[Any], ...],
    descending: bool = True,
) -> tuple[list[M], str | None]:
    """One page of `statement` ordered by `order_by` (its last column must be unique, e.g. the id)."""
    if params.cursor:
        after = _decode(params.cursor, order_by)
        keys = tuple_(*order_by)
        statement = statement.where(keys < tuple_(*after) if descending else keys > tuple_(*after))
    ordering = [c.desc() if descending else c.asc() for c in order_by]
    rows = list((await session.scalars(statement.order_by(*ordering).limit(params.limit + 1))).all())
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    last = rows[-1]
    return rows, _encode([getattr(last, c.key) for c in order_by])
