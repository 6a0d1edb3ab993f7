"""The one server-side prompt builder: every provider gets the same words for the same settings.

An opening anchor tells the model to keep the product exactly as photographed, then the scene in a fixed order
(framing, camera, style, mood, lighting, palette, background, human interaction, props, custom, the user's own
words), then a closing anchor repeating the rule that matters most. Style presets have already filled unset
lighting, palette and props during resolution (api/generation/settings.py).
"""

from __future__ import annotations

from api.generation.providers.base import SCENE_TYPES
from api.generation.settings import BubbleType, ResolvedSettings

MAX_USER_PROMPT = 1000

OPENING_ANCHOR = (
    "Create a photorealistic lifestyle photograph of the product shown in the reference photo. Keep the product "
    "exactly as it is: the same shape, proportions, materials, colors, textures, logos and branding; do not add, "
    "remove or restyle any part of it."
)
CLOSING_ANCHOR = (
    "The product must look identical to the reference photo, sit naturally in the scene with correct scale, "
    "perspective and a soft contact shadow, and be the clear focus of the image. No text, watermarks or borders."
)

# How a scene type reads in the framing sentence, where its plain label would not ("in a studio" is not a set).
_SCENE_PHRASES = {"studio": "a clean photo studio set", "outdoor": "an outdoor setting"}

_FRAMING = {
    "1:1": "square",
    "4:5": "portrait (4:5)",
    "3:4": "portrait (3:4)",
    "2:3": "tall portrait (2:3)",
    "9:16": "vertical (9:16)",
    "4:3": "landscape (4:3)",
    "3:2": "landscape (3:2)",
    "16:9": "wide (16:9)",
    "21:9": "panoramic (21:9)",
}

# (bubble, how its values read in a sentence) in the fixed order of the scene description.
_ORDER: tuple[tuple[BubbleType, str], ...] = (
    (BubbleType.camera_angle, "Camera: {}."),
    (BubbleType.style, "Interior style: {}."),
    (BubbleType.mood, "Mood: {}."),
    (BubbleType.lighting, "Lighting: {}."),
    (BubbleType.color_palette, "Color palette: {}."),
    (BubbleType.background, "Background: {}."),
    (BubbleType.human_interaction, "People: {}."),
    (BubbleType.props, "Props: {}."),
    (BubbleType.custom, "Also: {}."),
)


def build_prompt(
    settings: ResolvedSettings, *, scene_type: str, aspect_ratio: str, user_prompt: str | None = None
) -> str:
    label = SCENE_TYPES.get(scene_type, scene_type.replace("_", " "))
    scene = _SCENE_PHRASES.get(scene_type, f"a {label.lower()}")
    parts = [OPENING_ANCHOR, f"Framing: {_FRAMING.get(aspect_ratio, aspect_ratio)} composition in {scene}."]
    for bubble, sentence in _ORDER:
        values = settings.get(bubble)
        if bubble == BubbleType.human_interaction and values == ["None"]:
            values = ["no people in the frame"]
        if bubble == BubbleType.props and values == ["None"]:
            values = ["no props; keep the scene uncluttered"]
        if values:
            parts.append(sentence.format("; ".join(values)))
    if settings.get(BubbleType.reference):
        parts.append(
            "Match the look of the additional reference images (palette, light, materials), not their objects."
        )
    if user_prompt and user_prompt.strip():
        parts.append(f"Merchant's direction: {' '.join(user_prompt.split())[:MAX_USER_PROMPT]}")
    parts.append(CLOSING_ANCHOR)
    return "\n".join(parts)


VIDEO_OPENING_ANCHOR = (
    "Create a short, photorealistic product video that starts from the given image. Keep the product exactly as it "
    "is: the same shape, proportions, materials, colors, textures, logos and branding; it does not move, bend, "
    "open or change, and nothing is added to it."
)
VIDEO_CLOSING_ANCHOR = (
    "Smooth, steady, cinematic motion with no cuts, no text, no watermarks and no people unless asked for; the "
    "product stays in focus and fully in frame for the whole clip."
)
CAMERA_SENTENCES = {
    "static": "Camera: locked off on a tripod, no camera movement; only light and air move gently.",
    "push_in": "Camera: a slow, eased push in towards the product.",
    "pull_out": "Camera: a slow, eased pull back from the product, revealing more of the scene.",
    "pan": "Camera: a slow, eased sideways slide past the product, with gentle parallax.",
    "parallax": "Camera: a slow, eased orbit around the product; the background shifts behind it with parallax.",
}


def build_video_prompt(
    settings: ResolvedSettings,
    *,
    scene_type: str,
    aspect_ratio: str,
    camera_motion: str,
    duration_s: int,
    user_prompt: str | None = None,
) -> str:
    """The clip's prompt: the video anchors, the camera move and length, then the same scene description as a
    still's (without the still's own anchors, which speak of a photograph)."""
    still = build_prompt(settings, scene_type=scene_type, aspect_ratio=aspect_ratio, user_prompt=user_prompt)
    scene = [line for line in still.split("\n") if line not in (OPENING_ANCHOR, CLOSING_ANCHOR)]
    motion = f"{CAMERA_SENTENCES[camera_motion]} Length: {duration_s} seconds."
    return "\n".join([VIDEO_OPENING_ANCHOR, motion, *scene, VIDEO_CLOSING_ANCHOR])
