from __future__ import annotations

from api.core.errors import Conflict, EpoxError, InvalidInput, NotFound


class PaymentRequired(EpoxError):
    status, code, title = 402, "payment_required", "Payment required"


class InsufficientCredits(PaymentRequired):
    """Carries `required` and `available` so a client can say "you need 8 credits, you have 3"."""

    code, title = "insufficient_credits", "Not enough credits"

    def __init__(self, required: int, available: int) -> None:
        super().__init__(
            f"This needs {required} credits and {available} are available. Buy credits or change your plan.",
            required=required,
            available=available,
        )


class HoldNotFound(NotFound):
    code, title = "hold_not_found", "Credit hold not found"


class LotNotFound(NotFound):
    code, title = "lot_not_found", "Credit lot not found"


class CaptureNotFound(NotFound):
    code, title = "capture_not_found", "No capture for this hold and item"


class HoldNotOpen(Conflict):
    code, title = "hold_not_open", "This hold is already captured, released or expired"


class ExceedsHold(Conflict):
    code, title = "exceeds_hold", "More than the hold still reserves"

    def __init__(self, requested: int, remaining: int) -> None:
        super().__init__(
            f"{requested} credits were asked for but the hold reserves only {remaining} more.",
            requested=requested,
            remaining=remaining,
        )


class ItemAlreadySettled(Conflict):
    code, title = "item_already_settled", "This item was already captured or released differently"


class AdjustmentExceedsAvailable(Conflict):
    code, title = "adjustment_exceeds_available", "The adjustment would take available credits below zero"

    def __init__(self, amount: int, available: int) -> None:
        super().__init__(
            f"Removing {amount} credits would take available below zero ({available} available).",
            available=available,
        )


class IdempotencyKeyConflict(Conflict):
    code, title = "idempotency_key_conflict", "This idempotency key was used for a different operation"


class UnknownOperation(InvalidInput):
    code = "unknown_operation"


class InvalidCostParameter(InvalidInput):
    code = "invalid_cost_parameter"


class ExternalReferenceInUse(Conflict):
    code, title = "external_reference_in_use", "This reference already paid for another workspace's credits"
