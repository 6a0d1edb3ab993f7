from __future__ import annotations

from api.core.errors import Conflict, EpoxError, NotFound, PermissionDenied


class ProductNotFound(NotFound):
    code, title = "product_not_found", "Product not found"


class ProductImageNotFound(NotFound):
    code, title = "product_image_not_found", "Product image not found"


class CategoryNotFound(NotFound):
    code, title = "category_not_found", "Category not found"


class CategorySlugTaken(Conflict):
    code, title = "category_slug_taken", "Slug already in use"

    def __init__(self, slug: str) -> None:
        super().__init__(
            f"Another category in this workspace already uses the slug '{slug}'.",
            errors=[{"field": "slug", "message": "This slug is already used by another category.", "type": "taken"}],
        )


class CategoryCycle(EpoxError):
    status, code, title = 422, "category_cycle", "A category cannot be inside itself"

    def __init__(self) -> None:
        message = "That parent is this category or one of its subcategories."
        super().__init__(message, errors=[{"field": "parent_id", "message": message, "type": "cycle"}])


class TooManyImages(Conflict):
    code, title = "too_many_images", "Too many images"


class PlanLimitReached(PermissionDenied):
    """The workspace's plan has no product slot left; says how many it has, uses and has left."""

    code, title = "plan_limit_reached", "Product slot limit reached"

    def __init__(self, *, limit: int, used: int, adding: int = 1) -> None:
        remaining = max(limit - used, 0)
        super().__init__(
            f"Your plan includes {limit} product slots and {used} are in use, so {remaining} "
            f"{'is' if remaining == 1 else 'are'} left. Archive products you no longer need or upgrade your "
            "plan to add more.",
            limit=limit,
            used=used,
            remaining=remaining,
            requested=adding,
        )
