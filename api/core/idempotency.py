"""`Idempotency-Key` for POST endpoints that create something or move credits (design/ledger.md, Stripe-style).

Same key + same request replays the stored response (with `Idempotent-Replayed: true`); same key + a different
request answers 409 `idempotency_key_reused`; a request arriving while another with that key is still running
answers 409 `idempotency_request_in_flight`. Keys are scoped per organization and endpoint and kept 24 hours.

How: the endpoint declares the dependency (which also documents the header), and its router uses
`IdempotentRoute` (a `TransactionalRoute`). The dependency takes a transaction-scoped advisory lock on
(organization, endpoint, key) with `pg_try_advisory_xact_lock`: failing to get it means the first request is in
flight. Holding it, the stored record is either there (replay or 409) or not (run the endpoint). The route stores
the response in the request's own transaction, so the record commits exactly when the effects do, and the lock is
released only after that commit. Errors are not stored: their transaction rolled back, so a retry runs again.

    router = APIRouter(route_class=IdempotentRoute)

    @router.post("/things", responses=error_responses(*IDEMPOTENCY_ERRORS))
    async def create_thing(ctx: MemberAccess, idempotency: Annotated[Guard, idempotent(member_scope)]) -> ...
"""

# No `from __future__ import annotations`: `idempotent()` builds a dependency whose signature refers to the
# `scope` argument, and FastAPI must be able to evaluate that annotation.

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import Conflict, InvalidInput
from api.core.repository import Repository
from api.core.routing import TransactionalRoute, get_session
from api.core.time import utc_now
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


class IdempotencyKeyReused(Conflict):
    code, title = "idempotency_key_reused", "This Idempotency-Key was sent with a different request"


class IdempotentRequestInFlight(Conflict):
    code, title = "idempotency_request_in_flight", "A request with this Idempotency-Key is still in progress"


IDEMPOTENCY_ERRORS = (IdempotencyKeyReused, IdempotentRequestInFlight)


class IdempotentReplay(Exception):
    """Control flow, not an error: carries the stored response out of the dependency to the route."""

    def __init__(self, response: Response) -> None:
        super().__init__("replay")
        self.response = response


class IdempotencyRepository(Repository[IdempotencyRecord]):
    model = IdempotencyRecord

    async def try_lock(self, lock_key: int) -> bool:
        """A transaction-scoped advisory lock: held until this request's transaction commits or rolls back."""
        return bool(await self.session.scalar(select(func.pg_try_advisory_xact_lock(lock_key))))

    async def find(self, organization_id: uuid.UUID, endpoint: str, key: str) -> IdempotencyRecord | None:
        statement = select(IdempotencyRecord).where(
            IdempotencyRecord.organization_id == organization_id,
            IdempotencyRecord.endpoint == endpoint,
            IdempotencyRecord.key == key,
        )
        result: IdempotencyRecord | None = await self.session.scalar(statement)
        return result

    async def purge_expired(self, now: datetime, limit: int) -> int:
        doomed = select(IdempotencyRecord.id).where(IdempotencyRecord.expires_at < now).limit(limit)
        result = await self.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(doomed)))
        return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Guard:
    """A request that carries an Idempotency-Key and holds its lock; the route stores its response."""

    organization_id: uuid.UUID
    endpoint: str
    key: str
    request_hash: bytes

    async def store(self, session: AsyncSession, response: Response) -> None:
        now = utc_now()
        await IdempotencyRepository(session).add(
            IdempotencyRecord(
                organization_id=self.organization_id,
                endpoint=self.endpoint,
                key=self.key,
                request_hash=self.request_hash,
                status_code=response.status_code,
                media_type=response.headers.get("content-type"),
                body=bytes(response.body),
                created_at=now,
                expires_at=now + RETENTION,
            )
        )


def _lock_key(organization_id: uuid.UUID, endpoint: str, key: str) -> int:
    digest = hashlib.sha256(f"{organization_id}\n{endpoint}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _request_hash(request: Request) -> bytes:
    """The request as the client meant it: method, path, query and the JSON body with keys sorted (or the
    multipart body without its boundary), so the same body sent with other whitespace, key order or boundary still
    counts as the same request."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        # A retried upload carries the same parts under a new random boundary: the boundary is not the request.
        boundary = content_type.partition("boundary=")[2].split(";", 1)[0].strip().strip('"')
        canonical = body.replace(boundary.encode(), b"") if boundary else body
    else:
        try:
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
        except ValueError:
            canonical = body
    head = f"{request.method} {request.url.path}?{request.url.query}\n".encode()
    return hashlib.sha256(head + canonical).digest()


def idempotent(scope: Callable[..., Any]) -> Any:
    """The `Idempotency-Key` dependency. `scope` is a dependency returning the organization the key belongs to
    (the caller's workspace, or the one an admin acts on); the result is a `Guard`, or None without a key."""

    async def dependency(
        request: Request,
        organization_id: Annotated[uuid.UUID, Depends(scope)],
        key: Annotated[
            str | None,
            Header(
                alias=HEADER,
                description=(
                    "Any unique string (a UUID is ideal). A retry with the same key and body returns the first "
                    "response instead of doing the work twice; kept 24 hours."
                ),
            ),
        ] = None,
    ) -> Guard | None:
        if key is None:
            return None
        if not _KEY_PATTERN.match(key):
            raise InvalidInput(HEADER, "Use 1 to 255 printable characters without spaces.")
        route = request.scope.get("route")
        if not isinstance(route, IdempotentRoute):  # pragma: no cover - a wiring mistake, caught by the tests
            raise RuntimeError(f"{request.url.path} takes an Idempotency-Key but its router is not IdempotentRoute")
        endpoint = f"{request.method} {route.path_format}"
        repository = IdempotencyRepository(get_session(request))
        if not await repository.try_lock(_lock_key(organization_id, endpoint, key)):
            raise IdempotentRequestInFlight("The first request with this key has not finished yet; retry shortly.")
        request_hash = await _request_hash(request)
        record = await repository.find(organization_id, endpoint, key)
        if record is not None and record.expires_at <= utc_now():
            await repository.delete(record)
            record = None
        if record is not None:
            if record.request_hash != request_hash:
                raise IdempotencyKeyReused("Use a new key for a new request; this one belongs to another request.")
            raise IdempotentReplay(
                Response(
                    content=record.body,
                    status_code=record.status_code,
                    media_type=record.media_type,
                    headers={REPLAYED_HEADER: "true"},
                )
            )
        guard = Guard(organization_id, endpoint, key, request_hash)
        request.state.idempotency = guard
        return guard

    return Depends(dependency)


class _StoresIdempotentResponses(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except IdempotentReplay as replay:
                return replay.response
            guard: Guard | None = getattr(request.state, "idempotency", None)
            if guard is not None and response.status_code < 500:
                await guard.store(get_session(request), response)
            return response

        return handle


class IdempotentRoute(TransactionalRoute, _StoresIdempotentResponses):
    """`TransactionalRoute` that also stores the responses of requests carrying an `Idempotency-Key` (for
    endpoints declaring the `idempotent()` dependency), inside the request's transaction. Endpoints without
    the dependency behave exactly as with `TransactionalRoute`."""
