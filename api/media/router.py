"""Serves stored files to whoever holds a signed link (local storage; S3 links point at the bucket itself)."""

from __future__ import annotations

import math
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse

from api.core.errors import error_responses
from api.core.storage import (
    InvalidSignature,
    LocalStorage,
    SignedUrlExpired,
    Storage,
    StoredFileNotFound,
    get_storage,
)

router = APIRouter(tags=["files"])

_MEDIA_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@router.get(
    "/files/{key:path}",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}, "description": "The file"},
        **error_responses(InvalidSignature, SignedUrlExpired, StoredFileNotFound),
    },
)
async def download_file(
    key: str,
    storage: Annotated[Storage, Depends(get_storage)],
    expires: Annotated[int, Query(ge=0, description="Unix time the link stops working.")] = 0,
    signature: Annotated[str, Query(max_length=128, description="HMAC-SHA256 of the key and expiry.")] = "",
) -> FileResponse:
    """Public, protected by its signature: a stored file (image previews and originals) through a signed link."""
    if not isinstance(storage, LocalStorage):
        raise StoredFileNotFound()
    path = storage.verify(key, expires, signature)
    max_age = max(math.floor(expires - time.time()), 0)
    return FileResponse(
        path,
        media_type=_MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
        headers={
            "Cache-Control": f"private, max-age={max_age}",
            "X-Content-Type-Options": "nosniff",
            # Whatever a stored file turned out to be, it can never run as a page of this origin.
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
            "Content-Disposition": "inline",
        },
    )
