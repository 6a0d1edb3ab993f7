"""Image files for the catalog tests, made with Pillow (and by hand, for the hostile ones)."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image


def photo(width: int = 64, height: int = 48, fmt: str = "JPEG", *, mode: str = "RGB", **save: object) -> bytes:
    """A small image with some texture (so JPEG has real entropy-coded data to truncate)."""
    rng = random.Random(width * 7919 + height)
    image = Image.new(mode, (width, height), (200, 180, 160) if mode == "RGB" else None)
    if mode == "RGB":
        image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_metadata(width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A JPEG whose EXIF says "rotate 90°" and carries a GPS position and a comment."""
    image = Image.new("RGB", (width, height), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SpyCam Inc."  # Make
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"shot at home, 12 Rue X")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width: int, height: int) -> bytes:
    """A valid-looking PNG that claims `width` x `height` pixels but holds a few bytes of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is patched to claim `width` x `height`."""
    data = bytearray(photo(16, 16))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def gif_claiming(width: int, height: int) -> bytes:
    data = bytearray(photo(8, 8, "GIF", mode="P"))
    struct.pack_into("<HH", data, 6, width, height)  # logical screen
    return bytes(data)


def truncated_jpeg() -> bytes:
    data = photo(320, 240, quality=95)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = photo(320, 240, "PNG")
    return data[: len(data) // 2]


def html_jpeg_polyglot() -> bytes:
    """A JPEG that decodes fine and is also an HTML page (markup in a COM segment right after SOI)."""
    jpeg = photo(32, 32)
    markup = b"<html><body><script>alert(document.cookie)</script></body></html>"
    comment = b"\xff\xfe" + struct.pack(">H", len(markup) + 2) + markup
    return jpeg[:2] + comment + jpeg[2:]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/me')</script></body></html>"
