"""Domain errors and their RFC 9457 problem+json rendering.

Services raise `EpoxError` subclasses (never HTTPException); the handlers installed by `install_error_handlers`
turn every error path, framework ones included, into the same problem shape, with no stack traces.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("epox.errors")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://docs.epox.app/problems/"


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem; `code` is the stable machine-readable reason."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None


class EpoxError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any):
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra
        super().__init__(self.detail)

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        body.update(self.extra)
        return body


class BadRequest(EpoxError):
    status, code, title = 400, "bad_request", "Bad request"


class NotAuthenticated(EpoxError):
    status, code, title = 401, "not_authenticated", "Not authenticated"


class PermissionDenied(EpoxError):
    status, code, title = 403, "permission_denied", "Permission denied"


class NotFound(EpoxError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(EpoxError):
    status, code, title = 409, "conflict", "Conflict"


class Gone(EpoxError):
    status, code, title = 410, "gone", "Gone"


class PayloadTooLarge(EpoxError):
    status, code, title = 413, "payload_too_large", "Payload too large"


class InvalidInput(EpoxError):
    """A rule about one field that only the service can check (e.g. a weak password)."""

    status, code, title = 422, "validation_error", "Validation failed"

    def __init__(self, field: str, message: str, *, type_: str = "value_error"):
        super().__init__(message, errors=[{"field": field, "message": message, "type": type_}])


class RateLimited(EpoxError):
    status, code, title = 429, "rate_limited", "Too many requests"

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many attempts. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], headers=headers, media_type=PROBLEM_CONTENT_TYPE)


def error_responses(*errors: type[EpoxError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry for a route, so the OpenAPI document (and the client) knows its errors."""
    statuses = sorted({e.status for e in errors})
    return {
        status: {
            "model": Problem,
            "content": {PROBLEM_CONTENT_TYPE: {}},
            "description": _describe(status, errors),
        }
        for status in statuses
    }


def _describe(status: int, errors: tuple[type[EpoxError], ...]) -> str:
    return ", ".join(sorted({e.code for e in errors if e.status == status}))


def _field_path(loc: tuple[Any, ...]) -> str:
    # ("body", "email") -> "email"; ("query", "limit") -> "limit"; keep nested paths dotted.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _epox_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EpoxError)
    return problem_response(exc.to_problem(), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_path(tuple(e.get("loc", ()))),
            "message": str(e.get("msg", "")),
            "type": str(e.get("type")),
        }
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "body", "message": "Invalid request"}
    body = InvalidInput(first["field"], first["message"]).to_problem()
    body["detail"] = f"{first['field']}: {first['message']}"
    body["errors"] = errors
    return problem_response(body)


_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("not_authenticated", "Not authenticated"),
    403: ("permission_denied", "Permission denied"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Payload too large"),
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else title
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": exc.status_code,
        "detail": detail,
        "code": code,
    }
    return problem_response(body, dict(exc.headers or {}))


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(EpoxError("Something went wrong on our side. It has been logged.").to_problem())


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EpoxError, _epox_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled_error)
