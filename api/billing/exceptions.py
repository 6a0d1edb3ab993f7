from __future__ import annotations

from api.core.errors import BadRequest, Conflict, EpoxError, InvalidInput, NotFound, PermissionDenied


class BillingNotConfigured(EpoxError):
    status, code, title = 503, "billing_not_configured", "Billing is not configured"


class StripeRequestFailed(EpoxError):
    status, code, title = 502, "stripe_request_failed", "Stripe did not answer"


class UnknownPlan(InvalidInput):
    code = "unknown_plan"

    def __init__(self, field: str = "plan_code") -> None:
        super().__init__(field, "No plan with this code can be bought.")


class UnknownPack(InvalidInput):
    code = "unknown_pack"

    def __init__(self) -> None:
        super().__init__("pack_code", "No credit pack with this code can be bought.")


class InvalidCheckout(InvalidInput):
    code = "invalid_checkout"


class SubscriptionAlreadyActive(Conflict):
    code, title = "subscription_active", "The workspace already has a subscription"


class NoSubscription(Conflict):
    code, title = "no_subscription", "The workspace has no active subscription"


class NoBillingAccount(Conflict):
    code, title = "no_billing_account", "The workspace has no billing account yet"


class ProductNotInWorkspace(NotFound):
    code, title = "product_not_found", "Product not found"


class InvalidStripeSignature(BadRequest):
    code, title = "invalid_stripe_signature", "Invalid Stripe signature"


class SeatLimitReached(PermissionDenied):
    """Inviting one more person would exceed the plan's seats (members plus pending invitations)."""

    code, title = "seat_limit_reached", "Seat limit reached"

    def __init__(self, *, limit: int, used: int) -> None:
        super().__init__(
            f"Your plan includes {limit} seat{'s' if limit != 1 else ''} and {used} "
            f"{'is' if used == 1 else 'are'} taken (members and pending invitations). Upgrade your plan or "
            "remove a member or invitation to invite someone else.",
            limit=limit,
            used=used,
        )


class ApiAccessNotIncluded(PermissionDenied):
    code, title = "api_access_not_included", "API access is not included in your plan"

    def __init__(self) -> None:
        super().__init__("Your plan does not include API access. Upgrade to Pro or higher to create API keys.")
