from __future__ import annotations

from api.core.errors import InvalidInput, NotFound


class NotificationNotFound(NotFound):
    code, title = "notification_not_found", "Notification not found"


class UnknownNotificationKind(InvalidInput):
    code = "unknown_notification_kind"
