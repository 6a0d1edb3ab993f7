"""Image providers behind one interface (`base`): the built-in `local` one and the hosted ones.

Only the interface is re-exported here; import a provider's own module to use it, so that loading the interface
does not load every provider's dependencies.
"""

from api.generation.providers.base import (
    ASPECT_RATIOS,
    QUALITIES,
    QUALITY_LONG_SIDE,
    SCENE_TYPES,
    GeneratedImage,
    ImageProvider,
    ImageRequest,
    ProviderCapabilities,
    ProviderError,
    ProviderMisconfigured,
    ProviderRejected,
    ProviderRetryableError,
    Quality,
    UnsupportedOption,
    output_size,
    validate,
)

__all__ = [
    "ASPECT_RATIOS",
    "QUALITIES",
    "QUALITY_LONG_SIDE",
    "SCENE_TYPES",
    "GeneratedImage",
    "ImageProvider",
    "ImageRequest",
    "ProviderCapabilities",
    "ProviderError",
    "ProviderMisconfigured",
    "ProviderRejected",
    "ProviderRetryableError",
    "Quality",
    "UnsupportedOption",
    "output_size",
    "validate",
]
