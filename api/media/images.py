"""Product photo intake: refuse anything that is not a plain, fully decodable raster image, then store a clean copy.

Order matters, cheapest and most telling checks first, so a hostile file is refused before any pixels are
decoded (design/reliability.md, upload bombs):

1. size cap (bytes);
2. the type is sniffed from the magic bytes (JPEG, PNG, GIF, WebP, AVIF), never taken from a name or header;
   SVG, HTML, PDF and everything else is refused;
3. files that also carry HTML or script (polyglots) are refused;
4. the header's dimensions are checked against the pixel cap before decoding; Pillow's own bomb guard is
   turned into an error as well;
5. the image is decoded completely (truncated files fail here), EXIF orientation is applied, and the pixels
   are re-encoded without any metadata (EXIF with GPS, XMP, comments). The ICC colour profile is kept: it is not
   about the person, and dropping it would change the colours of wide-gamut photos.

The original is stored re-encoded in its own family (JPEG, PNG or WebP; GIF becomes PNG, AVIF becomes WebP),
plus a WebP preview at most 1024 px on its longest side. Everything here is CPU-bound: callers run
`process_image` in a thread (`asyncio.to_thread`), and at most `_DECODE_SLOTS` decodes run at once per
process so memory stays bounded (a 40 MP RGBA image is 160 MB).
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageFile, ImageOps

from api.core.errors import EpoxError

# Pillow's bomb guard is a process-wide setting; this module owns image decoding in the API, so it sets it.
# It warns above the value and raises above twice it; `process_image` turns the warning into an error too.
DEFAULT_MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

_DECODE_SLOTS = threading.BoundedSemaphore(2)

ImageKind = Literal["jpeg", "png", "gif", "webp", "avif"]
StoredFormat = Literal["jpeg", "png", "webp"]

CONTENT_TYPES: dict[StoredFormat, str] = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS: dict[StoredFormat, str] = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_STORED_AS: dict[ImageKind, StoredFormat] = {
    "jpeg": "jpeg",
    "png": "png",
    "gif": "png",
    "webp": "webp",
    "avif": "webp",
}
_PILLOW_FORMATS: dict[ImageKind, str] = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "avif": "AVIF"}

# Markup that makes a file also an HTML/SVG/PHP document. Each marker is long enough (six bytes or more) that a
# chance match inside compressed pixel data is about one in a million per 15 MB file.
_MARKUP = re.compile(
    rb"<script|<!doctype\s+html|<html[\s>]|<svg[\s>]|<\?php\s|<iframe|<body[\s>]|<object[\s>]|<embed[\s>]"
    rb"|javascript:",
    re.IGNORECASE,
)


class UnsupportedImageType(EpoxError):
    status, code, title = 415, "unsupported_image_type", "Unsupported image type"


class ImageTooLarge(EpoxError):
    status, code, title = 413, "image_too_large", "Image file too large"


class ImageTooManyPixels(EpoxError):
    status, code, title = 422, "image_too_many_pixels", "Image dimensions too large"


class InvalidImage(EpoxError):
    status, code, title = 422, "invalid_image", "The image could not be read"


IMAGE_ERRORS = (UnsupportedImageType, ImageTooLarge, ImageTooManyPixels, InvalidImage)


@dataclass(frozen=True)
class ProcessedImage:
    kind: ImageKind
    format: StoredFormat
    original: bytes
    preview: bytes
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def sniff(data: bytes) -> ImageKind | None:
    """The image type the first bytes say this is, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and _is_avif(data):
        return "avif"
    return None


def _is_avif(data: bytes) -> bool:
    # ISO-BMFF `ftyp` box: major brand, minor version, then compatible brands; `avif`/`avis` among them.
    size = int.from_bytes(data[:4], "big")
    if not 16 <= size <= min(len(data), 256):
        return False
    brands = [data[8:12]] + [data[i : i + 4] for i in range(16, size, 4)]
    return bool({b"avif", b"avis"} & set(brands))


def _check_dimensions(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise InvalidImage("The image has no pixels.")
    if width * height > max_pixels:
        raise ImageTooManyPixels(
            f"The image is {width} x {height} pixels; the limit is {max_pixels // 1_000_000} megapixels."
        )


def _normalise_mode(image: Image.Image, target: StoredFormat) -> Image.Image:
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
    if target == "jpeg":
        return image if image.mode in {"RGB", "L"} else image.convert("RGB")
    if has_alpha:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if target == "png" and image.mode in {"L", "RGB"}:
        return image
    return image.convert("RGB")


def _encode(image: Image.Image, target: StoredFormat, icc_profile: bytes | None) -> bytes:
    out = io.BytesIO()
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if target == "jpeg":
        image.save(out, "JPEG", quality=92, optimize=True, **extra)
    elif target == "png":
        image.save(out, "PNG", optimize=False, compress_level=6, **extra)
    else:
        image.save(out, "WEBP", quality=90, method=4, **extra)
    return out.getvalue()


def process_image(data: bytes, *, max_bytes: int, max_pixels: int, preview_side: int = 1024) -> ProcessedImage:
    """Validate and clean one uploaded or downloaded image. Blocking: run it in a thread."""
    if len(data) > max_bytes:
        raise ImageTooLarge(f"The file is larger than {max_bytes // 1_048_576} MB.")
    kind = sniff(data)
    if kind is None:
        raise UnsupportedImageType("Upload a JPEG, PNG, WebP, GIF or AVIF image.")
    if _MARKUP.search(data):
        raise UnsupportedImageType(
            "The file contains HTML or script besides the image. Export it again as a plain image."
        )
    with _DECODE_SLOTS, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _decode_and_encode(data, kind, max_pixels, preview_side)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooManyPixels(
                f"The image has too many pixels; the limit is {max_pixels // 1_000_000} megapixels."
            ) from exc
        except EpoxError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError) as exc:
            # Pillow reports broken files through all of these; none of their text helps the person.
            raise InvalidImage("The image is damaged or incomplete. Export it again and retry.") from exc


def _decode_and_encode(data: bytes, kind: ImageKind, max_pixels: int, preview_side: int) -> ProcessedImage:
    with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as opened:
        _check_dimensions(opened.width, opened.height, max_pixels)  # before a single pixel is decoded
        opened.seek(0)  # animated GIF/WebP/AVIF: the first frame is the product photo
        opened.load()  # decodes everything: a truncated file raises here
        icc_profile = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
    target = _STORED_AS[kind]
    image = _normalise_mode(image, target)
    # Nothing from the source's metadata travels with the pixels: encoders read comments and the like from
    # `info`, so it is emptied (the colour profile is passed explicitly).
    image.info = {}
    original = _encode(image, target, icc_profile if isinstance(icc_profile, bytes) else None)
    preview_image = image.copy()
    preview_image.thumbnail((preview_side, preview_side), Image.Resampling.LANCZOS)
    if preview_image.mode not in {"RGB", "RGBA"}:
        preview_image = preview_image.convert("RGBA" if "A" in preview_image.mode else "RGB")
    preview = io.BytesIO()
    preview_image.save(preview, "WEBP", quality=82, method=4)
    return ProcessedImage(
        kind=kind,
        format=target,
        original=original,
        preview=preview.getvalue(),
        width=image.width,
        height=image.height,
    )
