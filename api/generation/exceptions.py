from __future__ import annotations

from api.assets.exceptions import AssetNotFound  # moved to api/assets; re-exported for older imports
from api.core.errors import EpoxError, InvalidInput, NotFound


class GenerationNotFound(NotFound):
    code, title = "generation_not_found", "Generation not found"


class ProductWithoutImages(InvalidInput):
    code = "product_without_images"

    def __init__(self, name: str) -> None:
        super().__init__("product_ids", f"{name} has no photo yet: add one before generating.")


class ProviderNotAvailable(EpoxError):
    status, code, title = 422, "provider_not_available", "This provider is not available"


class InvalidGenerationSettings(InvalidInput):
    code = "invalid_generation_settings"


__all__ = [
    "AssetNotFound",
    "GenerationNotFound",
    "InvalidGenerationSettings",
    "ProductWithoutImages",
    "ProviderNotAvailable",
]
