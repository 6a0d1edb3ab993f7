from __future__ import annotations

from api.core.errors import Conflict, EpoxError, Gone, InvalidInput, NotFound


class AssetNotFound(NotFound):
    code, title = "asset_not_found", "Asset not found"


class VersionConflict(EpoxError):
    """The write named a version the asset has moved past: someone else changed it first."""

    status, code, title = 412, "version_conflict", "The asset was changed by someone else"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"The asset is at version {current_version}; reload it and apply your change again.",
            current_version=current_version,
        )


class VersionRequired(EpoxError):
    status, code, title = 428, "version_required", "Say which version you are changing"

    def __init__(self) -> None:
        super().__init__("Send the ETag from GET /assets/{id} as If-Match, or the asset's `version` in the body.")


class AssetDeleted(Conflict):
    code, title = "asset_deleted", "The asset is in the trash"

    def __init__(self) -> None:
        super().__init__("The asset is in the trash: restore it first.")


class RestoreWindowPassed(Gone):
    code, title = "restore_window_passed", "Too late to restore"


class InvalidEdit(InvalidInput):
    code = "invalid_edit"
