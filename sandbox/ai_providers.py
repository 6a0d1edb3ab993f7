"""Loopback stand-ins for the hosted image APIs the adapters in api/generation/providers/ call:

- `GeminiSandbox`: Google's Generative Language API, `POST /v1beta/models/{model}:generateContent`;
- `OpenAIImagesSandbox`: OpenAI's Images API, `POST /v1/images/edits` (multipart);
- `FalSandbox`: fal's synchronous run endpoint, `POST /{model id}`, plus the result files it links to.

Each checks the key the way its vendor does, validates the request strictly (unknown fields, enums, base64,
that the photos are images) and answers in the vendor's shapes, success and error alike. The image is a real
PNG: a gradient with the first input photo tinted in the middle, at the size the vendor would make.

Knobs (like the store sandboxes): `rate_limit_next` (429 with the vendor's wait, `retry_after` seconds),
`fail_next` (`fail_status`, 500 or 503), `reject_next` (the vendor's refusal, `reject_kind`),
`malformed_next` (a broken answer, `malformed_kind`), `slow_next` (sleep `slow_seconds` first). Each counts
down per call. `calls` records every API call; `reset()` clears all of it between tests.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import json
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any, Final

from PIL import Image, ImageOps
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.server import free_port as free_port  # re-exported: callers import serve from here
from sandbox.server import serve as serve

IMAGE_TYPES: Final = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class SandboxCall:
    path: str
    body: dict[str, Any]  # the JSON body, or the multipart fields with `image[]` as a list of file summaries
    headers: dict[str, str]


class Refused(Exception):
    """A request the vendor would refuse: carries the vendor-shaped answer."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def answer_refusal(request: Request, refused: Exception) -> Response:
    """The Starlette exception handler for `Refused`: a route may refuse from anywhere, the refusal is its answer."""
    assert isinstance(refused, Refused)
    return refused.response


def render_scene(photo: bytes | None, width: int, height: int, image_format: str = "PNG", dark: bool = False) -> bytes:
    """A stand-in for a generated image: a warm-to-cool gradient, the photo tinted in the middle."""
    if dark:  # what a safety checker leaves of a flagged image
        scene = Image.new("RGB", (width, height), (0, 0, 0))
        photo = None
    else:
        gradient = Image.linear_gradient("L").resize((width, height))
        cool, warm = (
            Image.new("RGB", (width, height), (96, 110, 128)),
            Image.new("RGB", (width, height), (236, 226, 210)),
        )
        scene = Image.composite(cool, warm, gradient)
    if photo:
        with Image.open(io.BytesIO(photo)) as opened:
            product = ImageOps.exif_transpose(opened).convert("RGB")
        product.thumbnail((max(1, width * 3 // 5), max(1, height * 3 // 5)))
        product = Image.blend(product, Image.new("RGB", product.size, (255, 214, 170)), 0.2)
        scene.paste(product, ((width - product.width) // 2, (height - product.height) // 2))
    out = io.BytesIO()
    scene.save(out, image_format, **({"compress_level": 1} if image_format == "PNG" else {}))
    return out.getvalue()


def decodable_image(data: bytes) -> str | None:
    """Pillow's format name for a PNG, JPEG or WebP that decodes, else None."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            kind = opened.format
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return kind if kind in IMAGE_TYPES.values() else None


class _ImageSandbox:
    """What the three sandboxes share: the key, the knobs, the call log."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.base_url = ""  # set once served
        self.calls: list[SandboxCall] = []
        self.reset()

    def reset(self) -> None:
        """Forget every call and pending knob (the server keeps running)."""
        self.calls.clear()
        self.rate_limit_next = self.fail_next = self.reject_next = self.malformed_next = self.slow_next = 0
        self.retry_after = 1
        self.fail_status = 500
        self.reject_kind = "default"
        self.malformed_kind = "json"
        self.slow_seconds = 1.0

    def _record(self, request: Request, body: dict[str, Any]) -> None:
        headers = {key.lower(): value for key, value in request.headers.items()}
        self.calls.append(SandboxCall(path=request.url.path, body=body, headers=headers))

    async def _recorded_json(self, request: Request) -> Any:
        """The request's JSON body (None when it is not JSON), recorded before anything is checked."""
        try:
            parsed = json.loads(await request.body())
        except ValueError:
            parsed = None
        self._record(request, parsed if isinstance(parsed, dict) else {})
        return parsed

    async def _slow(self) -> None:
        if self.slow_next > 0:
            self.slow_next -= 1
            await asyncio.sleep(self.slow_seconds)

    def _take(self, knob: str) -> bool:
        """Count one use of a knob down; True when it fires."""
        left: int = getattr(self, knob)
        if left > 0:
            setattr(self, knob, left - 1)
            return True
        return False


# --- Gemini ---------------------------------------------------------------------------------------------------

# What gemini-2.5-flash-image renders per aspect ratio (Google's docs); 3 Pro Image makes the same at 1K.
GEMINI_1K: Final = {
    "1:1": (1024, 1024),
    "2:3": (832, 1248),
    "3:2": (1248, 832),
    "3:4": (864, 1184),
    "4:3": (1184, 864),
    "4:5": (896, 1152),
    "5:4": (1152, 896),
    "9:16": (768, 1344),
    "16:9": (1344, 768),
    "21:9": (1536, 672),
}
# gemini-3-pro-image-preview at 2K (4K doubles it).
GEMINI_2K: Final = {
    "1:1": (2048, 2048),
    "2:3": (1696, 2528),
    "3:2": (2528, 1696),
    "3:4": (1792, 2400),
    "4:3": (2400, 1792),
    "4:5": (1856, 2304),
    "5:4": (2304, 1856),
    "9:16": (1536, 2752),
    "16:9": (2752, 1536),
    "21:9": (3168, 1344),
}
GEMINI_SIZED_MODELS: Final = frozenset({"gemini-3-pro-image-preview"})  # take `imageConfig.imageSize`
GEMINI_MODELS: Final = frozenset({"gemini-2.5-flash-image", "gemini-2.5-flash-image-preview"}) | GEMINI_SIZED_MODELS
_GEMINI_TOP = {"contents", "generationConfig", "safetySettings", "systemInstruction", "tools", "toolConfig"}
_GEMINI_CONFIG = {
    "responseModalities",
    "imageConfig",
    "seed",
    "temperature",
    "topP",
    "topK",
    "candidateCount",
    "maxOutputTokens",
    "stopSequences",
}
_GEMINI_INPUT_TYPES = {"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"}
_GEMINI_REFUSED_PROMPT = "PROHIBITED_CONTENT"
_GEMINI_REFUSED_IMAGE = "IMAGE_SAFETY"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _google_error(status_code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> Refused:
    error: dict[str, Any] = {"code": status_code, "message": message, "status": status}
    if details:
        error["details"] = details
    return Refused(JSONResponse({"error": error}, status_code=status_code))


def _invalid(message: str) -> Refused:
    return _google_error(400, "INVALID_ARGUMENT", message)


def _proto_fields(value: Any, allowed: set[str], where: str) -> dict[str, Any]:
    """A JSON object under protobuf's JSON mapping: field names in lowerCamelCase or their original snake_case;
    any other name is refused the way Google refuses it."""
    if not isinstance(value, dict):
        raise _invalid(f"Invalid value at '{where}': expected an object, got \"{type(value).__name__}\".")
    normalized = {}
    for name, item in value.items():
        camel = _camel(name)
        if camel not in allowed:
            raise _invalid(f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': Cannot find field.")
        normalized[camel] = item
    return normalized


class GeminiSandbox(_ImageSandbox):
    def __init__(self, api_key: str = "sandbox-gemini-key") -> None:
        super().__init__(api_key)
        self.app = Starlette(
            routes=[Route("/v1beta/models/{model}:generateContent", self.generate_content, methods=["POST"])]
        )

    async def generate_content(self, request: Request) -> Response:
        model = request.path_params["model"]
        parsed = await self._recorded_json(request)
        try:
            self._authenticate(request)
            if model not in GEMINI_MODELS:
                message = (
                    f"models/{model} is not found for API version v1beta, or is not supported for generateContent. "
                    "Call ListModels to see the list of available models and their supported methods."
                )
                raise _google_error(404, "NOT_FOUND", message)
            if self._take("rate_limit_next"):
                raise _google_error(
                    429,
                    "RESOURCE_EXHAUSTED",
                    "You exceeded your current quota, please check your plan and billing details.",
                    [
                        {
                            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                            "violations": [
                                {"quotaMetric": "generativelanguage.googleapis.com/generate_content_requests"}
                            ],
                        },
                        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{self.retry_after}s"},
                    ],
                )
            if self._take("fail_next"):
                if self.fail_status == 503:
                    raise _google_error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
                raise _google_error(
                    500,
                    "INTERNAL",
                    "An internal error has occurred. Please retry or report in "
                    "https://developers.generativeai.google/guide/troubleshooting",
                )
            if not isinstance(parsed, dict):
                raise _invalid("Invalid JSON payload received. Unexpected token.")
            photos, config = self._validate(parsed, model)
        except Refused as refused:
            return refused.response
        await self._slow()
        usage = {"promptTokenCount": 258 * len(photos) + 100, "candidatesTokenCount": 1290, "totalTokenCount": 0}
        usage["totalTokenCount"] = usage["promptTokenCount"] + usage["candidatesTokenCount"]
        envelope: dict[str, Any] = {"usageMetadata": usage, "modelVersion": model, "responseId": secrets.token_hex(8)}
        if self._take("reject_next"):
            if self.reject_kind == "image":
                candidate = {"finishReason": _GEMINI_REFUSED_IMAGE, "index": 0}
                return JSONResponse({"candidates": [candidate], **envelope})
            if self.reject_kind == "text":  # a soft refusal: the model just answers in words
                text = [{"text": "I can't create that image, but I can describe it."}]
                return JSONResponse({"candidates": [self._candidate(text)], **envelope})
            return JSONResponse({"promptFeedback": {"blockReason": _GEMINI_REFUSED_PROMPT}, **envelope})
        modalities = config.get("responseModalities") or ["TEXT"]
        if "IMAGE" not in modalities:
            parts: list[dict[str, Any]] = [{"text": "I can describe the scene, but only in words."}]
            return JSONResponse({"candidates": [self._candidate(parts)], **envelope})
        image_config = config.get("imageConfig") or {}
        ratio = image_config.get("aspectRatio", "1:1")
        size = image_config.get("imageSize", "1K")
        width, height = GEMINI_1K[ratio] if size == "1K" else GEMINI_2K[ratio]
        if size == "4K":
            width, height = width * 2, height * 2
        data = base64.b64encode(render_scene(photos[0] if photos else None, width, height)).decode("ascii")
        if self._take("malformed_next"):
            if self.malformed_kind == "json":
                return Response('{"candidates": [{"content": {"parts": [', media_type="application/json")
            if self.malformed_kind == "fields":
                return JSONResponse({"candidates": [], **envelope})
            data = "%%% not base64 %%%" if self.malformed_kind == "base64" else base64.b64encode(b"<html/>").decode()
        parts = [{"text": "Here is the scene."}, {"inlineData": {"mimeType": "image/png", "data": data}}]
        return JSONResponse({"candidates": [self._candidate(parts)], **envelope})

    @staticmethod
    def _candidate(parts: list[dict[str, Any]]) -> dict[str, Any]:
        return {"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}

    def _authenticate(self, request: Request) -> None:
        key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
        if not key:
            raise _google_error(
                403,
                "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established identity). Please use API "
                "Key or other form of API consumer identity to call this API.",
            )
        if not secrets.compare_digest(key, self.api_key):
            # Google answers a wrong key with 400, not 401: the reason is in the ErrorInfo detail.
            raise _google_error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"},
                    }
                ],
            )

    def _validate(self, body: dict[str, Any], model: str) -> tuple[list[bytes], dict[str, Any]]:
        """The input photos and the normalized generationConfig of a valid request."""
        top = _proto_fields(body, _GEMINI_TOP, "")
        contents = top.get("contents")
        if not isinstance(contents, list) or not contents:
            raise _invalid("* GenerateContentRequest.contents: contents is not specified")
        photos: list[bytes] = []
        for index, content in enumerate(contents):
            fields = _proto_fields(content, {"role", "parts"}, f"contents[{index}]")
            if fields.get("role", "user") not in {"user", "model"}:
                raise _invalid(f"Please use a valid role: user, model. (contents[{index}].role)")
            parts = fields.get("parts")
            if not isinstance(parts, list) or not parts:
                raise _invalid(f"* GenerateContentRequest.contents[{index}].parts: contents.parts must not be empty.")
            for number, part in enumerate(parts):
                photo = self._part(part, f"contents[{index}].parts[{number}]")
                if photo is not None:
                    photos.append(photo)
        config = _proto_fields(top.get("generationConfig", {}), _GEMINI_CONFIG, "generation_config")
        modalities = config.get("responseModalities", [])
        if not isinstance(modalities, list) or not set(modalities) <= {"TEXT", "IMAGE"}:
            raise _invalid(f"Invalid value at 'generation_config.response_modalities': {modalities!r}")
        if "seed" in config and not (isinstance(config["seed"], int) and -(2**31) <= config["seed"] < 2**31):
            raise _invalid(f"Invalid value at 'generation_config.seed' (TYPE_INT32), {config['seed']!r}")
        image_config = _proto_fields(
            config.get("imageConfig", {}), {"aspectRatio", "imageSize"}, "generation_config.image_config"
        )
        if image_config.get("aspectRatio", "1:1") not in GEMINI_1K:
            raise _invalid(f"Unsupported aspect ratio: {image_config['aspectRatio']!r}.")
        if "imageSize" in image_config:
            if model not in GEMINI_SIZED_MODELS:
                raise _invalid("Image size is not supported for this model.")
            if image_config["imageSize"] not in {"1K", "2K", "4K"}:
                raise _invalid(f"Unsupported image size: {image_config['imageSize']!r}. Use 1K, 2K or 4K.")
        config["imageConfig"] = image_config
        return photos, config

    @staticmethod
    def _part(part: Any, where: str) -> bytes | None:
        fields = _proto_fields(part, {"text", "inlineData", "thought"}, where)
        kinds = [name for name in ("text", "inlineData") if name in fields]
        if len(kinds) != 1:
            raise _invalid(f"Invalid value at '{where}': a part holds exactly one of text or inline_data.")
        if kinds == ["text"]:
            if not isinstance(fields["text"], str):
                raise _invalid(f"Invalid value at '{where}.text' (TYPE_STRING)")
            return None
        inline = _proto_fields(fields["inlineData"], {"mimeType", "data"}, f"{where}.inline_data")
        if inline.get("mimeType") not in _GEMINI_INPUT_TYPES:
            raise _invalid(f"Unsupported MIME type: {inline.get('mimeType')}")
        try:
            photo = base64.b64decode(str(inline.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(
                f"Invalid value at '{where}.inline_data.data' (TYPE_BYTES), Base64 decoding failed"
            ) from None
        if decodable_image(photo) is None:
            raise _invalid(
                "Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
            )
        return photo


# --- OpenAI ---------------------------------------------------------------------------------------------------

OPENAI_MODELS: Final = {"gpt-image-1": True, "gpt-image-1-mini": False}  # model -> takes `input_fidelity`
OPENAI_SIZES: Final = {"1024x1024": (1024, 1024), "1536x1024": (1536, 1024), "1024x1536": (1024, 1536)}
# Output tokens per image by quality, square or not (OpenAI's image-generation guide).
OPENAI_OUTPUT_TOKENS: Final = {"low": (272, 408), "medium": (1056, 1584), "high": (4160, 6240)}
_OPENAI_FIELDS = {
    "image",
    "image[]",
    "mask",
    "prompt",
    "model",
    "n",
    "size",
    "quality",
    "output_format",
    "output_compression",
    "background",
    "input_fidelity",
    "user",
}
_OPENAI_MAX_IMAGES = 16


def _openai_error(
    status_code: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Refused:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return Refused(JSONResponse(body, status_code=status_code, headers=headers))


def _one_of(value: str, allowed: list[str], param: str) -> str:
    if value not in allowed:
        supported = ", ".join(f"'{a}'" for a in allowed)
        raise _openai_error(
            400, f"Invalid value: '{value}'. Supported values are: {supported}.", param=param, code="invalid_value"
        )
    return value


class OpenAIImagesSandbox(_ImageSandbox):
    def __init__(self, api_key: str = "sk-sandbox-openai-key") -> None:
        self.quota_next = 0  # answer 429 insufficient_quota (billing, not a rate limit) to this many calls
        super().__init__(api_key)
        self.app = Starlette(routes=[Route("/v1/images/edits", self.edits, methods=["POST"])])

    def reset(self) -> None:
        super().reset()
        self.quota_next = 0

    async def edits(self, request: Request) -> Response:
        try:
            try:
                self._authenticate(request)
            except Refused:
                self._record(request, {})  # refused before the form is read
                raise
            if not request.headers.get("content-type", "").startswith("multipart/form-data"):
                self._record(request, {})
                raise _openai_error(
                    400,
                    "Invalid Content-Type header, expected multipart/form-data.",
                    code="invalid_content_type",
                )
            async with request.form(max_files=_OPENAI_MAX_IMAGES + 1) as form:
                fields, photos = await self._read_form(request, form.multi_items())
            if self._take("rate_limit_next"):
                wait = self.retry_after
                raise _openai_error(
                    429,
                    f"Rate limit reached for {fields.get('model')} in organization org-sandbox on images per minute "
                    f"(IPM): Limit 5, Used 5, Requested 1. Please try again in {wait}s. Visit "
                    "https://platform.openai.com/account/rate-limits to learn more.",
                    type_="requests",
                    code="rate_limit_exceeded",
                    headers={
                        "retry-after": str(wait),
                        "x-ratelimit-limit-requests": "5",
                        "x-ratelimit-remaining-requests": "0",
                        "x-ratelimit-reset-requests": f"{wait}s",
                    },
                )
            if self._take("quota_next"):
                raise _openai_error(
                    429,
                    "You exceeded your current quota, please check your plan and billing details.",
                    type_="insufficient_quota",
                    code="insufficient_quota",
                )
            if self._take("fail_next"):
                if self.fail_status == 503:
                    raise _openai_error(
                        503, "The engine is currently overloaded, please try again later.", type_="server_error"
                    )
                raise _openai_error(
                    500,
                    "The server had an error while processing your request. Sorry about that!",
                    type_="server_error",
                )
            self._validate(fields, photos)
        except Refused as refused:
            return refused.response
        await self._slow()
        if self._take("reject_next"):
            return _openai_error(
                400,
                "Your request was rejected as a result of our safety system. Your request may contain content that "
                "is not allowed by our safety system.",
                type_="image_generation_user_error",
                code="moderation_blocked",
            ).response
        size = fields.get("size", "auto")
        width, height = OPENAI_SIZES.get(size, (1024, 1024))  # `auto` picks square here
        quality = fields.get("quality", "auto")
        quality = "high" if quality == "auto" else quality
        output_format = fields.get("output_format", "png")
        image = render_scene(photos[0], width, height, image_format=output_format.upper().replace("JPG", "JPEG"))
        data = base64.b64encode(image).decode("ascii")
        if self._take("malformed_next"):
            if self.malformed_kind == "json":
                return Response('{"created": 1, "data": [{"b64_json": "', media_type="application/json")
            if self.malformed_kind == "fields":
                return JSONResponse({"created": int(time.time()), "data": []})
            data = "%%% not base64 %%%" if self.malformed_kind == "base64" else base64.b64encode(b"<html/>").decode()
        output_tokens = OPENAI_OUTPUT_TOKENS[quality][0 if width == height else 1]
        text_tokens, image_tokens = len(fields.get("prompt", "")) // 4, 323 * len(photos)
        usage = {
            "input_tokens": text_tokens + image_tokens,
            "input_tokens_details": {"image_tokens": image_tokens, "text_tokens": text_tokens},
            "output_tokens": output_tokens,
            "total_tokens": text_tokens + image_tokens + output_tokens,
        }
        return JSONResponse(
            {
                "created": int(time.time()),
                "background": "opaque",
                "data": [{"b64_json": data}],
                "output_format": output_format,
                "quality": quality,
                "size": f"{width}x{height}",
                "usage": usage,
            }
        )

    def _authenticate(self, request: Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise _openai_error(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using "
                "Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if not secrets.compare_digest(key, self.api_key):
            masked = f"{key[:3]}{'*' * max(0, len(key) - 7)}{key[-4:]}" if len(key) > 7 else "***"
            raise _openai_error(
                401,
                f"Incorrect API key provided: {masked}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

    async def _read_form(
        self, request: Request, items: list[tuple[str, str | UploadFile]]
    ) -> tuple[dict[str, str], list[bytes]]:
        fields: dict[str, str] = {}
        photos: list[bytes] = []
        summary: list[dict[str, Any]] = []
        problem: Refused | None = None
        for name, value in items:
            if name not in _OPENAI_FIELDS:
                problem = problem or _openai_error(
                    400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter"
                )
                continue
            if isinstance(value, UploadFile):
                if name not in {"image", "image[]"}:
                    problem = problem or _openai_error(400, f"'{name}' must be a file only for images.", param=name)
                    continue
                content = await value.read()
                kind = decodable_image(content)
                summary.append({"filename": value.filename, "content_type": value.content_type, "size": len(content)})
                if value.content_type not in IMAGE_TYPES or kind != IMAGE_TYPES[value.content_type]:
                    problem = problem or _openai_error(
                        400,
                        f"Invalid file '{name}': unsupported mimetype ('{value.content_type}'). Supported file "
                        "formats are 'image/jpeg', 'image/png', and 'image/webp'.",
                        param=name,
                        code="invalid_image_file",
                    )
                photos.append(content)
            elif name in {"image", "image[]"}:
                problem = problem or _openai_error(400, f"'{name}' must be a file.", param=name)
            elif name in fields:
                problem = problem or _openai_error(400, f"Duplicate parameter: '{name}'.", param=name)
            else:
                fields[name] = value
        self._record(request, {**fields, "image[]": summary})
        if problem is not None:
            raise problem
        return fields, photos

    @staticmethod
    def _validate(fields: dict[str, str], photos: list[bytes]) -> None:
        for required in ("prompt", "model"):
            if not fields.get(required):
                raise _openai_error(
                    400,
                    f"Missing required parameter: '{required}'.",
                    param=required,
                    code="missing_required_parameter",
                )
        model = _one_of(fields["model"], list(OPENAI_MODELS), "model")
        if not photos:
            raise _openai_error(
                400, "Missing required parameter: 'image'.", param="image", code="missing_required_parameter"
            )
        if len(photos) > _OPENAI_MAX_IMAGES:
            raise _openai_error(400, f"Too many images: at most {_OPENAI_MAX_IMAGES}.", param="image")
        if len(fields["prompt"]) > 32_000:
            raise _openai_error(400, "The prompt is too long: at most 32000 characters.", param="prompt")
        _one_of(fields.get("size", "auto"), [*OPENAI_SIZES, "auto"], "size")
        _one_of(fields.get("quality", "auto"), ["low", "medium", "high", "auto"], "quality")
        _one_of(fields.get("output_format", "png"), ["png", "jpeg", "webp"], "output_format")
        _one_of(fields.get("background", "auto"), ["transparent", "opaque", "auto"], "background")
        if not fields.get("n", "1").isdigit() or not 1 <= int(fields.get("n", "1")) <= 10:
            raise _openai_error(400, f"Invalid value: '{fields['n']}'. n must be between 1 and 10.", param="n")
        if "input_fidelity" in fields:
            _one_of(fields["input_fidelity"], ["high", "low"], "input_fidelity")
            if not OPENAI_MODELS[model]:
                raise _openai_error(
                    400, f"input_fidelity is not supported for model '{model}'.", param="input_fidelity"
                )


# --- fal --------------------------------------------------------------------------------------------------------

_FAL_COMMON = {"prompt", "image_urls", "num_images", "seed", "sync_mode"}


@dataclass(frozen=True)
class FalModelSchema:
    fields: frozenset[str]
    max_images: int  # input image_urls
    max_outputs: int  # num_images
    aspect_ratios: frozenset[str] = frozenset()  # an `aspect_ratio` enum, if the model takes one
    output_formats: frozenset[str] = frozenset()
    image_size_range: tuple[int, int] | None = None  # `image_size: {width, height}` bounds, if it takes one
    flags_nsfw: bool = False  # answers `has_nsfw_concepts`


FAL_MODELS: Final = {
    "fal-ai/flux-pro/kontext/multi": FalModelSchema(
        fields=frozenset(_FAL_COMMON | {"aspect_ratio", "output_format", "guidance_scale", "safety_tolerance"}),
        max_images=4,
        max_outputs=4,
        aspect_ratios=frozenset({"21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"}),
        output_formats=frozenset({"jpeg", "png"}),
        flags_nsfw=True,
    ),
    "fal-ai/bytedance/seedream/v4/edit": FalModelSchema(
        fields=frozenset(_FAL_COMMON | {"image_size", "max_images", "enable_safety_checker"}),
        max_images=10,
        max_outputs=6,
        image_size_range=(1024, 4096),
    ),
}
FAL_MEGAPIXEL: Final = 1024 * 1024


def _fal_validation(field: str, message: str, type_: str = "value_error") -> Refused:
    detail = [{"loc": ["body", field], "msg": message, "type": type_}]
    return Refused(JSONResponse({"detail": detail}, status_code=422))


def _fal_authenticate(request: Request, api_key: str) -> None:
    """fal's `Authorization: Key <id>:<secret>`, refused the way fal refuses it."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme != "Key" or not key:
        raise Refused(JSONResponse({"detail": "Authentication is required to access this application."}, 401))
    if not secrets.compare_digest(key, api_key):
        raise Refused(JSONResponse({"detail": "Invalid credentials: the key is not valid."}, 401))


def _fal_throttle(sandbox: _ImageSandbox) -> None:
    """The rate limit and failure knobs, answered as fal answers them."""
    if sandbox._take("rate_limit_next"):
        headers = {"Retry-After": str(sandbox.retry_after)}
        raise Refused(JSONResponse({"detail": "Too many requests: rate limit exceeded."}, 429, headers))
    if sandbox._take("fail_next"):
        raise Refused(JSONResponse({"detail": "Internal Server Error"}, sandbox.fail_status))


def _fal_image(data_uri: object, field: str) -> bytes:
    """An input image sent as a base64 data URI (the only kind the sandbox can read), refused as fal refuses an
    image it cannot load."""
    header, _, data = str(data_uri).partition(",")
    if not (header.startswith("data:image/") and header.endswith(";base64")):
        raise _fal_validation(field, "Only base64 data URIs can be read by the sandbox", "file_download_error")
    try:
        image = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise _fal_validation(field, "Could not decode the data URI", "image_load_error") from None
    if decodable_image(image) is None:
        raise _fal_validation(field, "Failed to load the image", "image_load_error")
    return image


def _fal_ratio_size(ratio: str) -> tuple[int, int]:
    """About one megapixel at the ratio, both sides multiples of 16 (how FLUX sizes its output)."""
    width_part, height_part = (int(part) for part in ratio.split(":"))
    width = math.sqrt(FAL_MEGAPIXEL * width_part / height_part)
    return 16 * round(width / 16), 16 * round(width * height_part / width_part / 16)


class FalSandbox(_ImageSandbox):
    def __init__(self, api_key: str = "sandbox-fal-key:secret") -> None:
        self.files: dict[str, tuple[bytes, str]] = {}  # name -> (bytes, content type), what the URLs serve
        self.downloads: list[str] = []
        super().__init__(api_key)
        self.app = Starlette(
            routes=[
                Route("/files/{name}", self.file, methods=["GET"]),
                Route("/{model:path}", self.run, methods=["POST"]),
            ]
        )

    def reset(self) -> None:
        super().reset()
        self.files.clear()
        self.downloads.clear()

    async def file(self, request: Request) -> Response:
        name = request.path_params["name"]
        self.downloads.append(name)
        if name not in self.files:
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        content, content_type = self.files[name]
        return Response(content, media_type=content_type)

    async def run(self, request: Request) -> Response:
        model = request.path_params["model"]
        parsed = await self._recorded_json(request)
        try:
            _fal_authenticate(request, self.api_key)
            schema = FAL_MODELS.get(model)
            if schema is None:
                raise Refused(JSONResponse({"detail": f"Application '{model}' not found."}, 404))
            _fal_throttle(self)
            if not isinstance(parsed, dict):
                raise _fal_validation("__root__", "Input should be a valid JSON object", "json_invalid")
            photos, width, height = self._validate(parsed, schema)
        except Refused as refused:
            return refused.response
        await self._slow()
        flagged = False
        if self._take("reject_next"):
            if self.reject_kind == "policy" or not schema.flags_nsfw:
                return _fal_validation(
                    "prompt",
                    "The content could not be processed because it contained material flagged by a content checker.",
                    "content_policy_violation",
                ).response
            flagged = True  # FLUX answers normally, with the image blacked out and the flag set
        output_format = str(parsed.get("output_format", "png" if schema.image_size_range else "jpeg"))
        content_type = f"image/{output_format}"
        image = render_scene(photos[0], width, height, image_format=output_format.upper(), dark=flagged)
        url = self._publish(image, content_type, output_format)
        seed = parsed.get("seed", secrets.randbelow(2**31))
        if self._take("malformed_next"):
            if self.malformed_kind == "json":
                return Response('{"images": [{"url": ', media_type="application/json")
            if self.malformed_kind == "fields":
                return JSONResponse({"images": [], "seed": seed})
            if self.malformed_kind == "url":
                url = "file:///etc/passwd"
            else:  # "image": the CDN file is not an image
                url = self._publish(b"<html>not an image</html>", content_type, output_format)
        answer: dict[str, Any] = {
            "images": [{"url": url, "width": width, "height": height, "content_type": content_type}],
            "seed": seed,
        }
        if schema.flags_nsfw:
            answer |= {"has_nsfw_concepts": [flagged], "prompt": parsed["prompt"], "timings": {"inference": 0.01}}
        return JSONResponse(answer)

    def _publish(self, content: bytes, content_type: str, extension: str) -> str:
        name = f"{secrets.token_hex(8)}.{extension}"
        self.files[name] = (content, content_type)
        return f"{self.base_url}/files/{name}"

    @staticmethod
    def _validate(body: dict[str, Any], schema: FalModelSchema) -> tuple[list[bytes], int, int]:
        """The decoded input photos and the output size of a valid request."""
        for name in body:
            if name not in schema.fields:
                raise _fal_validation(name, "Extra inputs are not permitted", "extra_forbidden")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise _fal_validation("prompt", "Field required", "missing")
        urls = body.get("image_urls")
        if not isinstance(urls, list) or not urls or len(urls) > schema.max_images:
            raise _fal_validation("image_urls", f"Provide between 1 and {schema.max_images} image URLs")
        photos = [_fal_image(url, "image_urls") for url in urls]
        outputs = body.get("num_images", 1)
        if not isinstance(outputs, int) or not 1 <= outputs <= schema.max_outputs:
            raise _fal_validation("num_images", f"Input should be between 1 and {schema.max_outputs}")
        if "seed" in body and not (isinstance(body["seed"], int) and 0 <= body["seed"] < 2**32):
            raise _fal_validation("seed", "Input should be a valid integer")
        if "output_format" in body and body["output_format"] not in schema.output_formats:
            raise _fal_validation("output_format", f"Input should be one of {sorted(schema.output_formats)}", "enum")
        if schema.image_size_range is None:
            ratio = body.get("aspect_ratio", "1:1")
            if ratio not in schema.aspect_ratios:
                raise _fal_validation("aspect_ratio", f"Input should be one of {sorted(schema.aspect_ratios)}", "enum")
            return photos, *_fal_ratio_size(ratio)
        size = body.get("image_size", {"width": 2048, "height": 2048})
        low, high = schema.image_size_range
        if not isinstance(size, dict) or set(size) != {"width", "height"}:
            raise _fal_validation("image_size", "Input should be an object with width and height")
        width, height = size["width"], size["height"]
        if not all(isinstance(side, int) and low <= side <= high for side in (width, height)):
            raise _fal_validation("image_size", f"Width and height must be between {low} and {high}")
        return photos, width, height
