"""Loopback stand-ins for the hosted video APIs the adapters in api/generation/providers/ call, shaped after the
vendors' published request and response formats:

- `VeoSandbox`: Google's Generative Language API for Veo: `POST /v1beta/models/{model}:predictLongRunning`
  answers an operation; `GET /v1beta/{operation name}` until `done` with
  `response.generateVideoResponse.generatedSamples[].video.uri`; the file's `:download` redirects to storage;
  `POST /v1beta/{operation name}:cancel`.
- `FalQueueSandbox`: fal's queue API: `POST /{model id}` answers `request_id` with status, response and cancel
  URLs under the model's owner/app; `GET .../requests/{id}/status` (IN_QUEUE, IN_PROGRESS, COMPLETED);
  `GET .../requests/{id}` the output `{"video": {"url", ...}}`; `PUT .../requests/{id}/cancel`.

The clip is a real MP4 (H.264, with an AAC sound track from Veo, as Veo 3 makes sound): the first frame drifting
slowly, at the size and length asked for. Knobs, counting down per call as in sandbox/ai_providers.py:
`rate_limit_next` (429 with Retry-After / RetryInfo), `fail_next` (500), `reject_next` (the vendor's safety
refusal), `malformed_next` (a result without a video); and `polls_to_finish` (status reads before the operation is
done; `never_finish` keeps it running). `canceled` lists canceled operations; `calls` records every call.
"""

from __future__ import annotations

import base64
import binascii
import io
import secrets
from fractions import Fraction
from typing import Any, Final

import av
import numpy as np
from PIL import Image, ImageOps
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.ai_providers import (
    Refused,
    _fal_authenticate,
    _fal_image,
    _fal_throttle,
    _fal_validation,
    _google_error,
    _ImageSandbox,
    _invalid,
    answer_refusal,
    decodable_image,
)
from sandbox.server import free_port as free_port  # re-exported: callers import serve from here
from sandbox.server import serve as serve

VEO_MODELS: Final = frozenset({"veo-3.1-fast-generate-preview", "veo-3.1-generate-preview", "veo-3.0-generate-001"})
VEO_SIZES: Final = {("16:9", "720p"): (1280, 720), ("9:16", "720p"): (720, 1280), ("16:9", "1080p"): (1920, 1080)}
VEO_SIZES_1080: Final = {("9:16", "1080p"): (1080, 1920)}
_VEO_PARAMETERS = {"aspectRatio", "resolution", "durationSeconds", "sampleCount", "seed", "personGeneration"}
_VEO_PARAMETERS |= {"negativePrompt", "enhancePrompt", "generateAudio"}
SEEDANCE: Final = "fal-ai/bytedance/seedance/v1/pro/image-to-video"
_SEEDANCE_FIELDS = {"prompt", "image_url", "aspect_ratio", "resolution", "duration", "camera_fixed", "seed"}
_SEEDANCE_FIELDS |= {"enable_safety_checker", "end_image_url"}
_SEEDANCE_RATIOS = {"21:9", "16:9", "4:3", "1:1", "3:4", "9:16", "auto"}
_SEEDANCE_SHORT = {"480p": 480, "720p": 720, "1080p": 1080}


def render_clip(still: bytes | None, width: int, height: int, seconds: int, fps: int, *, audio: bool) -> bytes:
    """A stand-in for a generated clip: the still (or grey) fitted to the size, drifting a few pixels a frame."""
    if still:
        with Image.open(io.BytesIO(still)) as opened:
            base = ImageOps.fit(ImageOps.exif_transpose(opened).convert("RGB"), (width, height))
    else:
        base = Image.new("RGB", (width, height), (128, 128, 128))
    planes = av.VideoFrame.from_image(base).reformat(format="yuv420p").to_ndarray()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        sound = container.add_stream("aac", rate=48_000) if audio else None
        frames = seconds * fps
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(np.roll(planes, index % width, axis=1), format="yuv420p")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if sound is not None:
            samples = np.arange(48_000 * seconds, dtype=np.float32) / 48_000
            tone = (0.1 * np.sin(2 * np.pi * 440 * samples)).astype(np.float32)
            for start in range(0, tone.size, 1024):
                chunk = np.ascontiguousarray(np.stack([tone[start : start + 1024]] * 2))
                piece = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                piece.sample_rate, piece.pts = 48_000, start
                for packet in sound.encode(piece):
                    container.mux(packet)
            for packet in sound.encode():
                container.mux(packet)
    return out.getvalue()


class _VideoSandbox(_ImageSandbox):
    """What both vendors' long-running APIs share: submitted operations polled until done, clips rendered once
    asked for and served as files. A handler may raise `Refused` anywhere: that is its answer."""

    def __init__(self, api_key: str, routes: list[Route]) -> None:
        super().__init__(api_key)
        self.app = Starlette(routes=routes, exception_handlers={Refused: answer_refusal})

    def reset(self) -> None:
        super().reset()
        self.polls_to_finish = 1
        self.never_finish = False
        self.operations: dict[str, dict[str, Any]] = {}  # by the vendor's name for it: what was asked, its file
        self.canceled: list[str] = []
        self.polls: dict[str, int] = {}
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []

    def _advance(self, operation: str) -> bool:
        """One status read of the operation; True once it is done."""
        self.polls[operation] = self.polls.get(operation, 0) + 1
        return not self.never_finish and self.polls[operation] >= self.polls_to_finish

    def _clip(self, operation: dict[str, Any], *, audio: bool, suffix: str = "") -> str:
        """The operation's clip file, rendered the first time it is asked for."""
        if "file" not in operation:
            width, height = operation["size"]
            name = f"{secrets.token_hex(8)}{suffix}"
            self.files[name] = render_clip(operation["still"], width, height, operation["seconds"], 24, audio=audio)
            operation["file"] = name
        file: str = operation["file"]
        return file

    def _serve(self, name: str, missing: Response) -> Response:
        """A clip file (counted as downloaded), or the vendor's `missing` answer."""
        self.downloads.append(name)
        if name not in self.files:
            return missing
        return Response(self.files[name], media_type="video/mp4")


# --- Veo ----------------------------------------------------------------------------------------------------------


class VeoSandbox(_VideoSandbox):
    def __init__(self, api_key: str = "sandbox-gemini-key") -> None:
        routes = [
            Route("/v1beta/models/{model}:predictLongRunning", self.submit, methods=["POST"]),
            Route("/v1beta/models/{model}/operations/{operation}:cancel", self.cancel, methods=["POST"]),
            Route("/v1beta/models/{model}/operations/{operation}", self.status, methods=["GET"]),
            Route("/v1beta/files/{file}:download", self.download, methods=["GET"]),
            Route("/storage/{file}", self.storage, methods=["GET"]),
        ]
        super().__init__(api_key, routes)

    def _authenticate(self, request: Request) -> None:
        key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
        if not key or not secrets.compare_digest(key, self.api_key):
            raise _google_error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}],
            )

    def _gate(self, request: Request) -> None:
        """Auth, then the throttle and failure knobs every call is subject to."""
        self._authenticate(request)
        if self._take("rate_limit_next"):
            raise _google_error(
                429,
                "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and billing details.",
                [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{self.retry_after}s"}],
            )
        if self._take("fail_next"):
            raise _google_error(500, "INTERNAL", "An internal error has occurred. Please retry.")

    async def submit(self, request: Request) -> Response:
        model = request.path_params["model"]
        parsed = await self._recorded_json(request)
        self._gate(request)
        if model not in VEO_MODELS:
            raise _google_error(404, "NOT_FOUND", f"models/{model} is not found for API version v1beta.")
        if not isinstance(parsed, dict):
            raise _invalid("Invalid JSON payload received.")
        still, size, seconds = self._validate(parsed)
        name = f"models/{model}/operations/{secrets.token_hex(6)}"
        self.operations[name] = {"still": still, "size": size, "seconds": seconds}
        return JSONResponse({"name": name})

    @staticmethod
    def _validate(body: dict[str, Any]) -> tuple[bytes, tuple[int, int], int]:
        if set(body) - {"instances", "parameters"}:
            raise _invalid(f'Invalid JSON payload received. Unknown name "{sorted(set(body))[0]}".')
        instances = body.get("instances")
        if not isinstance(instances, list) or len(instances) != 1 or not isinstance(instances[0], dict):
            raise _invalid("instances must hold exactly one instance.")
        instance = instances[0]
        if not isinstance(instance.get("prompt"), str) or not instance["prompt"].strip():
            raise _invalid("instances[0].prompt is required.")
        image = instance.get("image")
        if not isinstance(image, dict) or set(image) != {"bytesBase64Encoded", "mimeType"}:
            raise _invalid("instances[0].image takes bytesBase64Encoded and mimeType.")
        try:
            still = base64.b64decode(str(image["bytesBase64Encoded"]), validate=True)
        except (binascii.Error, ValueError):
            raise _invalid("instances[0].image.bytesBase64Encoded is not valid base64.") from None
        if decodable_image(still) is None or image["mimeType"] not in {"image/png", "image/jpeg", "image/webp"}:
            raise _invalid("instances[0].image is not a supported image.")
        parameters = body.get("parameters") or {}
        unknown = set(parameters) - _VEO_PARAMETERS
        if unknown:
            raise _invalid(f"Invalid JSON payload received. Unknown name \"{sorted(unknown)[0]}\" at 'parameters'.")
        ratio, resolution = parameters.get("aspectRatio", "16:9"), parameters.get("resolution", "720p")
        seconds = parameters.get("durationSeconds", 8)
        size = {**VEO_SIZES, **VEO_SIZES_1080}.get((ratio, resolution))
        if size is None:
            raise _invalid(f"Unsupported aspectRatio/resolution: {ratio} at {resolution}.")
        if seconds not in (4, 6, 8) or (resolution == "1080p" and seconds != 8):
            raise _invalid("durationSeconds must be 4, 6 or 8 (8 at 1080p).")
        if parameters.get("personGeneration", "allow_adult") != "allow_adult":
            raise _invalid("personGeneration must be allow_adult for image-to-video.")
        return still, size, int(seconds)

    def _operation(self, request: Request) -> tuple[str, dict[str, Any]]:
        name = f"models/{request.path_params['model']}/operations/{request.path_params['operation']}"
        operation = self.operations.get(name)
        if operation is None:
            raise _google_error(404, "NOT_FOUND", f"Operation {name} not found.")
        return name, operation

    async def status(self, request: Request) -> Response:
        self._record(request, {})
        self._gate(request)
        name, operation = self._operation(request)
        if name in self.canceled:
            error = {"code": 1, "message": "The operation was cancelled."}
            return JSONResponse({"name": name, "done": True, "error": error})
        if not self._advance(name):
            return JSONResponse({"name": name, "metadata": {"@type": "type.googleapis.com/google.ai.Metadata"}})
        response_type = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"
        if operation.get("rejected") or self._take("reject_next"):
            operation["rejected"] = True
            filtered = {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": ["Blocked by the safety filters."]}
            return JSONResponse(
                {"name": name, "done": True, "response": {"@type": response_type, "generateVideoResponse": filtered}}
            )
        file_id = self._clip(operation, audio=True)
        if self._take("malformed_next"):
            generated: dict[str, Any] = {"generatedSamples": [{"video": {}}]}
        else:
            uri = f"{self.base_url}/v1beta/files/{file_id}:download?alt=media"
            generated = {"generatedSamples": [{"video": {"uri": uri}}]}
        return JSONResponse(
            {"name": name, "done": True, "response": {"@type": response_type, "generateVideoResponse": generated}}
        )

    async def cancel(self, request: Request) -> Response:
        self._record(request, {})
        self._authenticate(request)
        name, _ = self._operation(request)
        self.canceled.append(name)
        return JSONResponse({})

    async def download(self, request: Request) -> Response:
        file_id = request.path_params["file"]
        self._record(request, {})
        self._authenticate(request)
        if file_id not in self.files:
            raise _google_error(404, "NOT_FOUND", "File not found.")
        # The API answers with a redirect to the file's storage (fetched without the key).
        return RedirectResponse(f"{self.base_url}/storage/{file_id}", status_code=302)

    async def storage(self, request: Request) -> Response:
        return self._serve(request.path_params["file"], Response(status_code=404))


# --- fal queue ------------------------------------------------------------------------------------------------------


class FalQueueSandbox(_VideoSandbox):
    def __init__(self, api_key: str = "sandbox-fal-key:secret") -> None:
        routes = [
            Route("/files/{name}", self.file, methods=["GET"]),
            Route("/{app:path}/requests/{request_id}/status", self.status, methods=["GET"]),
            Route("/{app:path}/requests/{request_id}/cancel", self.cancel, methods=["PUT"]),
            Route("/{app:path}/requests/{request_id}", self.result, methods=["GET"]),
            Route("/{model:path}", self.submit, methods=["POST"]),
        ]
        super().__init__(api_key, routes)

    def _gate(self, request: Request) -> None:
        _fal_authenticate(request, self.api_key)
        _fal_throttle(self)

    def _urls(self, model: str, request_id: str) -> dict[str, str]:
        app = "/".join(model.split("/")[:2])  # status and result live under the owner/app, not the full model id
        base = f"{self.base_url}/{app}/requests/{request_id}"
        return {"status_url": f"{base}/status", "response_url": base, "cancel_url": f"{base}/cancel"}

    async def submit(self, request: Request) -> Response:
        model = request.path_params["model"]
        parsed = await self._recorded_json(request)
        self._gate(request)
        if model != SEEDANCE:
            raise Refused(JSONResponse({"detail": f"Application '{model}' not found."}, 404))
        if not isinstance(parsed, dict):
            raise _fal_validation("__root__", "Input should be a valid JSON object", "json_invalid")
        spec = self._validate(parsed)
        request_id = str(secrets.token_hex(8))
        self.operations[request_id] = spec
        return JSONResponse({"request_id": request_id, **self._urls(model, request_id), "queue_position": 0})

    @staticmethod
    def _validate(body: dict[str, Any]) -> dict[str, Any]:
        for name in body:
            if name not in _SEEDANCE_FIELDS:
                raise _fal_validation(name, "Extra inputs are not permitted", "extra_forbidden")
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            raise _fal_validation("prompt", "Field required", "missing")
        still = _fal_image(body.get("image_url", ""), "image_url")
        ratio, resolution = body.get("aspect_ratio", "auto"), body.get("resolution", "1080p")
        if ratio not in _SEEDANCE_RATIOS:
            raise _fal_validation("aspect_ratio", f"Input should be one of {sorted(_SEEDANCE_RATIOS)}", "enum")
        if resolution not in _SEEDANCE_SHORT:
            raise _fal_validation("resolution", "Input should be '480p', '720p' or '1080p'", "enum")
        duration = body.get("duration", "5")
        if not isinstance(duration, str) or not duration.isdigit() or not 3 <= int(duration) <= 12:
            raise _fal_validation("duration", "Input should be '3' to '12'", "enum")
        ratio = "16:9" if ratio == "auto" else ratio
        width_part, height_part = (int(p) for p in ratio.split(":"))
        short = _SEEDANCE_SHORT[resolution]
        long = 2 * round(short * max(width_part, height_part) / min(width_part, height_part) / 2)
        size = (long, short) if width_part >= height_part else (short, long)
        return {"still": still, "size": size, "seconds": int(duration)}

    def _queued(self, request: Request) -> tuple[str, dict[str, Any]]:
        request_id = request.path_params["request_id"]
        spec = self.operations.get(request_id)
        if spec is None:
            raise Refused(JSONResponse({"detail": "Request not found"}, 404))
        return request_id, spec

    async def status(self, request: Request) -> Response:
        self._record(request, {})
        self._gate(request)
        request_id, _ = self._queued(request)
        if request_id in self.canceled:
            return JSONResponse({"status": "COMPLETED", "request_id": request_id, "error": "Request was cancelled"})
        if not self._advance(request_id):
            position = max(0, self.polls_to_finish - self.polls[request_id] - 1)
            state = "IN_QUEUE" if position > 0 else "IN_PROGRESS"
            return JSONResponse({"status": state, "request_id": request_id, "queue_position": position, "logs": None})
        return JSONResponse({"status": "COMPLETED", "request_id": request_id, "logs": None, "metrics": {}})

    async def result(self, request: Request) -> Response:
        self._record(request, {})
        self._gate(request)
        _, spec = self._queued(request)
        if self._take("reject_next"):
            raise _fal_validation(
                "prompt",
                "The content could not be processed because it contained material flagged by a content checker.",
                "content_policy_violation",
            )
        if self._take("malformed_next"):
            return JSONResponse({"seed": 1})
        name = self._clip(spec, audio=False, suffix=".mp4")
        url = f"{self.base_url}/files/{name}"
        video = {"url": url, "content_type": "video/mp4", "file_name": name, "file_size": len(self.files[name])}
        return JSONResponse({"video": video, "seed": 42})

    async def cancel(self, request: Request) -> Response:
        self._record(request, {})
        request_id, _ = self._queued(request)
        if self.polls.get(request_id, 0) >= self.polls_to_finish and not self.never_finish:
            return JSONResponse({"status": "ALREADY_COMPLETED"}, 400)
        self.canceled.append(request_id)
        return JSONResponse({"status": "CANCELLATION_REQUESTED"}, 202)

    async def file(self, request: Request) -> Response:
        return self._serve(request.path_params["name"], JSONResponse({"detail": "Not Found"}, status_code=404))
