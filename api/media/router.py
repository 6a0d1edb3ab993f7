"""Serves stored files to whoever holds a signed link (local storage; S3 links point at the bucket itself).

Files are served with HTTP Range support, so a video player can start at once and seek anywhere: `Range:
bytes=0-99` answers 206 with those 100 bytes and `Content-Range: bytes 0-99/<size>`, open-ended (`500-`) and
suffix (`-500`) ranges work, several ranges answer multipart/byteranges, and a range the file cannot satisfy
answers 416 (a problem response with `Content-Range: bytes */<size>`). Starlette's FileResponse does the
serving; the ranges are checked here first so every refusal has the API's problem shape.
"""

from __future__ import annotations

import math
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import FileResponse

from api.core.errors import EpoxError, error_responses
from api.core.storage import (
    InvalidSignature,
    LocalStorage,
    SignedUrlExpired,
    Storage,
    StoredFileNotFound,
    get_storage,
)

router = APIRouter(tags=["files"])

_MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
MAX_RANGES = 16  # more than any player asks for; many tiny ranges are a way to make one request expensive


class RangeNotSatisfiable(EpoxError):
    status, code, title = 416, "range_not_satisfiable", "The requested range is not in the file"

    def __init__(self, size: int) -> None:
        super().__init__(
            f"The file is {size} bytes; ask for a range within it (e.g. bytes=0-{max(0, size - 1)}).",
            headers={"Content-Range": f"bytes */{size}"},
        )


def check_range(header: str, size: int) -> None:
    """Refuse a Range header that names no satisfiable byte range of a `size`-byte file (RFC 9110, 14.1.2):
    a unit other than bytes, a malformed or reversed range, one starting past the end, an empty suffix."""
    unit, _, specs = header.partition("=")
    parts = [part.strip() for part in specs.split(",")]
    if unit.strip().lower() != "bytes" or not specs.strip() or len(parts) > MAX_RANGES:
        raise RangeNotSatisfiable(size)
    for part in parts:
        first, dash, last = part.partition("-")
        first, last = first.strip(), last.strip()
        if not dash or not (first.isdigit() or last.isdigit()) or (first and not first.isdigit()):
            raise RangeNotSatisfiable(size)
        if last and not last.isdigit():
            raise RangeNotSatisfiable(size)
        if not first:  # suffix: the last N bytes
            if int(last) == 0 or size == 0:
                raise RangeNotSatisfiable(size)
        elif int(first) >= size or (last and int(last) < int(first)):
            raise RangeNotSatisfiable(size)


@router.get(
    "/files/{key:path}",
    response_class=FileResponse,
    responses={
        200: {
            "content": {
                "image/*": {"schema": {"type": "string", "format": "binary"}},
                "video/*": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "The file",
        },
        206: {
            "content": {"video/*": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The requested byte range (`Content-Range` says which), for seeking in a video",
        },
        **error_responses(InvalidSignature, SignedUrlExpired, StoredFileNotFound, RangeNotSatisfiable),
    },
)
async def download_file(
    key: str,
    storage: Annotated[Storage, Depends(get_storage)],
    expires: Annotated[int, Query(ge=0, description="Unix time the link stops working.")] = 0,
    signature: Annotated[str, Query(max_length=128, description="HMAC-SHA256 of the key and expiry.")] = "",
    range_: Annotated[
        str | None,
        Header(alias="range", max_length=1000, description="Byte ranges, e.g. bytes=0-99, bytes=500-, bytes=-500."),
    ] = None,
) -> FileResponse:
    """Public, protected by its signature: a stored file (image previews and originals, video clips, posters)
    through a signed link, with HTTP Range support (206 with Content-Range; 416 for a range outside the file)."""
    if not isinstance(storage, LocalStorage):
        raise StoredFileNotFound()
    path = storage.verify(key, expires, signature)
    if range_ is not None:
        check_range(range_, path.stat().st_size)
    max_age = max(math.floor(expires - time.time()), 0)
    return FileResponse(
        path,
        media_type=_MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
        headers={
            "Cache-Control": f"private, max-age={max_age}",
            "X-Content-Type-Options": "nosniff",
            # Whatever a stored file turned out to be, it can never run as a page of this origin; opened on its
            # own, an image or a video still shows.
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
            "Content-Disposition": "inline",
        },
    )
