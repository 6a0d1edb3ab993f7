"""Video files with PyAV: how every clip Epox stores is encoded, checked and edited.

Every stored clip is H.264 in yuv420p (what every browser and Shopify play) in an MP4 whose `moov` atom comes
before the media data (`+faststart`), so a player can start and seek from the first bytes of a Range request.
A provider's clip is checked here before it is stored: one that does not decode, or decodes to nothing, fails
its item; one in another codec or pixel format is re-encoded; one with the index at the end is only remuxed.

Edits make new files and never touch their source: a trim re-encodes (cuts land on exact frames, not only on
keyframes); a reframe crops every frame around a focus point and keeps the sound as it is; a mute copies the
picture untouched and drops the sound.

Only the worker imports this module (PyAV never loads in the web process). Everything here blocks: run it in a
thread. The faststart pass re-reads the finished file, so clips are written to a temporary file, not to memory.
"""

from __future__ import annotations

import io
import math
import os
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import av
import av.container
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from PIL import Image

CODEC: Final = "h264"
PIXEL_FORMAT: Final = "yuv420p"
CRF: Final = "20"  # visually clean product footage at a few MB per 10 s of 1080p
PRESET: Final = "veryfast"  # x264's speed/size trade-off: three times faster than "medium" for ~5% larger files
PREVIEW_SHORT_SIDE: Final = 360
PREVIEW_CRF: Final = "28"
POSTER_QUALITY: Final = 85
AUDIO_CODEC: Final = "aac"


class InvalidVideo(ValueError):
    """The bytes are not a clip we can use (not a video, no frames, unreadable)."""


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    codec: str
    pixel_format: str
    has_audio: bool
    moov_first: bool
    size_bytes: int


def top_level_atoms(data: bytes) -> list[str]:
    """The MP4's top-level box types in file order (`ftyp`, `moov`, `mdat`, ...), read from the box headers."""
    atoms: list[str] = []
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:  # a 64-bit size follows the type
            if offset + 16 > len(data):
                break
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        elif size == 0:  # the box runs to the end of the file
            size = len(data) - offset
        if size < 8:
            break
        atoms.append(kind.decode("latin-1"))
        offset += size
    return atoms


def moov_before_mdat(data: bytes) -> bool:
    atoms = top_level_atoms(data)
    return "moov" in atoms and "mdat" in atoms and atoms.index("moov") < atoms.index("mdat")


def _open(data: bytes) -> av.container.InputContainer:
    try:
        return av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError) as exc:
        raise InvalidVideo("the file is not a readable video") from exc


def probe(data: bytes) -> VideoInfo:
    """What a clip is, counting its frames by decoding the picture (container headers can be wrong)."""
    with _open(data) as container:
        if not container.streams.video:
            raise InvalidVideo("the file has no video stream")
        stream = container.streams.video[0]
        frames = 0
        try:
            for _ in container.decode(stream):
                frames += 1
        except av.error.FFmpegError as exc:
            raise InvalidVideo("the video does not decode") from exc
        if frames == 0:
            raise InvalidVideo("the video has no frames")
        rate = stream.average_rate or stream.base_rate or stream.guessed_rate
        fps = float(rate) if rate else 0.0
        if fps <= 0:
            raise InvalidVideo("the video has no frame rate")
        return VideoInfo(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=fps,
            frames=frames,
            duration_s=frames / fps,
            codec=stream.codec_context.name,
            pixel_format=stream.codec_context.format.name if stream.codec_context.format else "",
            has_audio=bool(container.streams.audio),
            moov_first=moov_before_mdat(data),
            size_bytes=len(data),
        )


@contextmanager
def _output_path() -> Iterator[Path]:
    descriptor, name = tempfile.mkstemp(suffix=".mp4", prefix="epox-video-")
    os.close(descriptor)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


class ClipWriter:
    """An H.264/yuv420p MP4 being written, frame by frame (`write`), optionally with an AAC track; `finish`
    closes it with the index moved to the front and returns the bytes."""

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        fps: int | Fraction,
        *,
        crf: str = CRF,
        audio_rate: int | None = None,
        audio_layout: str = "stereo",
    ) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"yuv420p needs even sides, not {width}x{height}")
        self.path = path
        # The MP4 muxer writes no creation time unless told, so the same frames give the same bytes.
        self.container = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        stream = self.container.add_stream("libx264", rate=fps)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, PIXEL_FORMAT
        rate = Fraction(fps)
        # A keyframe every second: players seek to any second of a short clip without decoding from the start.
        stream.options = {"preset": PRESET, "crf": crf, "g": str(max(1, round(rate))), "bf": "2"}
        stream.codec_context.time_base = 1 / rate
        self.video = stream
        self.audio: AudioStream | None = None
        if audio_rate is not None:
            audio = self.container.add_stream(AUDIO_CODEC, rate=audio_rate)
            assert isinstance(audio, AudioStream)
            audio.layout = audio_layout
            self.audio = audio
        self.frames = 0

    def write(self, frame: av.VideoFrame) -> None:
        frame.pts = self.frames
        frame.time_base = self.video.codec_context.time_base
        for packet in self.video.encode(frame):
            self.container.mux(packet)
        self.frames += 1

    def write_audio(self, frame: av.AudioFrame) -> None:
        assert self.audio is not None
        for packet in self.audio.encode(frame):
            self.container.mux(packet)

    def finish(self) -> bytes:
        for packet in self.video.encode():
            self.container.mux(packet)
        if self.audio is not None:
            for packet in self.audio.encode():
                self.container.mux(packet)
        self.container.close()
        return self.path.read_bytes()

    def abort(self) -> None:
        with suppress(av.error.FFmpegError):
            self.container.close()


@contextmanager
def clip_writer(width: int, height: int, fps: int | Fraction, **options: Any) -> Iterator[ClipWriter]:
    with _output_path() as path:
        writer = ClipWriter(path, width, height, fps, **options)
        try:
            yield writer
        except BaseException:
            writer.abort()
            raise


def yuv_frame(planes: np.ndarray) -> av.VideoFrame:
    """A yuv420p frame from the three planes stacked as FFmpeg lays them out: (height * 3 / 2, width) bytes."""
    return av.VideoFrame.from_ndarray(planes, format=PIXEL_FORMAT)


def preview_size(width: int, height: int) -> tuple[int, int]:
    """The preview clip's size: short side `PREVIEW_SHORT_SIDE` (never larger than the clip), both sides even."""
    scale = min(1.0, PREVIEW_SHORT_SIDE / min(width, height))
    return max(2, 2 * round(width * scale / 2)), max(2, 2 * round(height * scale / 2))


def encode_webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "WEBP", quality=POSTER_QUALITY, method=4)
    return out.getvalue()


@dataclass(frozen=True)
class StoredClip:
    """What is stored for a video asset: the clip, its small preview clip, its poster (WebP), and what it is."""

    mp4: bytes
    preview_mp4: bytes
    poster_webp: bytes
    info: VideoInfo


def _frame_rate(stream: VideoStream) -> Fraction:
    rate = stream.average_rate or stream.base_rate or stream.guessed_rate
    if not rate or rate <= 0:
        raise InvalidVideo("the video has no frame rate")
    return Fraction(rate).limit_denominator(1001)


def _even(value: int) -> int:
    return max(2, value - value % 2)


def _audio_rate(stream: AudioStream) -> int:
    return int(stream.codec_context.sample_rate or 48_000)


def transcode(
    data: bytes,
    *,
    first_frame: int = 0,
    end_frame: int | None = None,
    crop: tuple[int, int, int, int] | None = None,
    keep_audio: bool = True,
) -> bytes:
    """The clip re-encoded as Epox stores clips, keeping frames [first_frame, end_frame) (by decode order, which
    is presentation order for what PyAV decodes), optionally cropped to (left, top, width, height), with the
    sound of exactly that stretch when `keep_audio`."""
    with _open(data) as source:
        if not source.streams.video:
            raise InvalidVideo("the file has no video stream")
        video = source.streams.video[0]
        rate = _frame_rate(video)
        width, height = video.codec_context.width, video.codec_context.height
        left, top, out_w, out_h = crop or (0, 0, width, height)
        out_w, out_h = _even(out_w), _even(out_h)
        audio = source.streams.audio[0] if keep_audio and source.streams.audio else None
        start_s = float(first_frame / rate)
        end_s = float(end_frame / rate) if end_frame is not None else math.inf
        with clip_writer(out_w, out_h, rate, audio_rate=_audio_rate(audio) if audio else None) as writer:
            streams: list[Any] = [video] if audio is None else [video, audio]
            index = 0
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=_audio_rate(audio)) if audio else None
            audio_pts = 0
            for frame in source.decode(*streams):
                if isinstance(frame, av.VideoFrame):
                    if first_frame <= index and (end_frame is None or index < end_frame):
                        if crop is not None or frame.format.name != PIXEL_FORMAT:
                            picture = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
                            if crop is not None:
                                picture = picture[top : top + out_h, left : left + out_w]
                            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
                        writer.write(frame)
                    index += 1
                elif isinstance(frame, av.AudioFrame) and resampler is not None and frame.time is not None:
                    for chunk in _audio_between(frame, start_s, end_s, resampler):
                        chunk.pts = audio_pts
                        audio_pts += chunk.samples
                        writer.write_audio(chunk)
            if writer.frames == 0:
                raise InvalidVideo("no frames in the chosen range")
            return writer.finish()


def _audio_between(
    frame: av.AudioFrame, start_s: float, end_s: float, resampler: av.AudioResampler
) -> list[av.AudioFrame]:
    """The part of a decoded audio frame inside [start_s, end_s), resampled to planar float stereo."""
    assert frame.time is not None
    frame_start = float(frame.time)
    frame_end = frame_start + frame.samples / frame.sample_rate
    if frame_end <= start_s or frame_start >= end_s:
        return []
    converted: list[av.AudioFrame] = []
    for chunk in resampler.resample(frame):
        samples = np.asarray(chunk.to_ndarray(), dtype=np.float32)
        skip = max(0, round((start_s - frame_start) * chunk.sample_rate))
        keep = samples.shape[-1] - skip
        if frame_end > end_s:
            keep -= round((frame_end - end_s) * chunk.sample_rate)
        if keep <= 0:
            continue
        piece = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples[:, skip : skip + keep]), format="fltp", layout="stereo"
        )
        piece.sample_rate = chunk.sample_rate
        converted.append(piece)
    return converted


def remux(data: bytes, *, keep_audio: bool = True) -> bytes:
    """The same packets in a new MP4 with its index first; the sound dropped unless `keep_audio`."""
    with _open(data) as source, _output_path() as path:
        output = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            mapping: dict[int, Any] = {}
            for stream in source.streams:
                if stream.type == "video" or (stream.type == "audio" and keep_audio):
                    mapping[stream.index] = output.add_stream_from_template(stream)
            if not any(stream.type == "video" for stream in source.streams):
                raise InvalidVideo("the file has no video stream")
            for packet in source.demux(*[s for s in source.streams if s.index in mapping]):
                if packet.dts is None:  # the demuxer's end-of-stream marker
                    continue
                packet.stream = mapping[packet.stream.index]
                output.mux(packet)
        finally:
            output.close()
        return path.read_bytes()


def poster_and_preview(data: bytes) -> tuple[bytes, bytes]:
    """The first frame as a WebP poster, and a small silent preview clip of the whole clip."""
    with _open(data) as source:
        video = source.streams.video[0]
        rate = _frame_rate(video)
        width, height = preview_size(video.codec_context.width, video.codec_context.height)
        poster: bytes | None = None
        with clip_writer(width, height, rate, crf=PREVIEW_CRF) as writer:
            for frame in source.decode(video):
                if poster is None:
                    poster = encode_webp(frame.to_image())  # type: ignore[no-untyped-call]
                writer.write(frame.reformat(width=width, height=height, format=PIXEL_FORMAT))
            if poster is None:
                raise InvalidVideo("the video has no frames")
            return poster, writer.finish()


def store_ready(data: bytes) -> StoredClip:
    """A provider's clip as Epox stores it: checked, re-encoded only if it is not H.264/yuv420p, remuxed if its
    index is at the end, with its poster and preview. Raises `InvalidVideo` for a file that is not a usable clip."""
    info = probe(data)
    if info.codec != CODEC or info.pixel_format != PIXEL_FORMAT or info.width % 2 or info.height % 2:
        data = transcode(data)
    elif not info.moov_first:
        data = remux(data)
    info = probe(data) if not (info.moov_first and info.codec == CODEC) else info
    poster, preview = poster_and_preview(data)
    return StoredClip(mp4=data, preview_mp4=preview, poster_webp=poster, info=info)


def finished(mp4: bytes, preview_mp4: bytes, poster_webp: bytes) -> StoredClip:
    """A clip this module encoded itself (the local renderer's), probed once to record what it is."""
    return StoredClip(mp4=mp4, preview_mp4=preview_mp4, poster_webp=poster_webp, info=probe(mp4))


# --- edits ---------------------------------------------------------------------------------------------------


def trim_frames(info: VideoInfo, start_s: float, end_s: float) -> tuple[int, int]:
    """The frames [first, end) a trim keeps: each bound on the nearest frame boundary."""
    return round(start_s * info.fps), min(info.frames, round(end_s * info.fps))


def trim(data: bytes, start_s: float, end_s: float) -> bytes:
    info = probe(data)
    first, end = trim_frames(info, start_s, end_s)
    return transcode(data, first_frame=first, end_frame=end)


def crop_box(width: int, height: int, aspect: str, focus_x: float, focus_y: float) -> tuple[int, int, int, int]:
    """The largest box of `aspect` inside the frame (even sides), centred on the focus point (fractions of the
    width and height) as far as the frame allows: the focus point is always inside it."""
    aw, ah = (int(part) for part in aspect.split(":"))
    box_w, box_h = width, round(width * ah / aw)
    if box_h > height:
        box_w, box_h = round(height * aw / ah), height
    box_w, box_h = _even(min(box_w, width)), _even(min(box_h, height))
    left = round(focus_x * width - box_w / 2)
    top = round(focus_y * height - box_h / 2)
    left = min(max(0, left), width - box_w)
    top = min(max(0, top), height - box_h)
    return left, top, box_w, box_h


def reframe(data: bytes, aspect: str, focus_x: float, focus_y: float) -> bytes:
    info = probe(data)
    return transcode(data, crop=crop_box(info.width, info.height, aspect, focus_x, focus_y))


def mute(data: bytes) -> bytes:
    return remux(data, keep_audio=False)
