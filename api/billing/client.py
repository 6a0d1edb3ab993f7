"""The one place that talks to Stripe: a thin wrapper over the official SDK that answers plain dicts and turns
Stripe's failures into our errors. Every POST carries an idempotency key (a retry, ours or the SDK's, can never
create a second customer, session or charge)."""

from __future__ import annotations

import logging
from typing import Any, cast

import stripe

from api.billing.exceptions import BillingNotConfigured, StripeRequestFailed
from api.core.config import Settings

logger = logging.getLogger("epox.billing")

Obj = dict[str, Any]


class StripeGateway:
    def __init__(self, settings: Settings) -> None:
        if settings.stripe_secret_key is None:
            raise BillingNotConfigured("Payments are not set up on this server (no Stripe key).")
        base = {"api": settings.stripe_api_base_url} if settings.stripe_api_base_url else None
        self.client = stripe.StripeClient(
            settings.stripe_secret_key.get_secret_value(),
            base_addresses=cast(Any, base),
            max_network_retries=2,
            http_client=stripe.HTTPXClient(timeout=20),
        )

    @staticmethod
    def configured(settings: Settings) -> bool:
        return settings.stripe_secret_key is not None

    async def _call(self, what: str, call: Any) -> Obj:
        try:
            result = await call
        except stripe.StripeError as exc:
            logger.warning("stripe call failed", extra={"call": what, "error": str(exc)[:300]})
            raise StripeRequestFailed(f"Stripe could not {what}. Try again in a moment.") from exc
        found: Obj = result.to_dict()
        return found

    async def create_customer(self, *, name: str, email: str | None, metadata: dict[str, str], key: str) -> Obj:
        params: Any = {"name": name, "metadata": metadata}
        if email:
            params["email"] = email
        return await self._call(
            "create the customer", self.client.v1.customers.create_async(params, {"idempotency_key": key})
        )

    async def create_checkout_session(self, params: Obj, *, key: str) -> Obj:
        return await self._call(
            "start the checkout",
            self.client.v1.checkout.sessions.create_async(cast(Any, params), {"idempotency_key": key}),
        )

    async def subscription(self, subscription_id: str) -> Obj:
        return await self._call("read the subscription", self.client.v1.subscriptions.retrieve_async(subscription_id))

    async def update_subscription(self, subscription_id: str, params: Obj, *, key: str) -> Obj:
        return await self._call(
            "change the subscription",
            self.client.v1.subscriptions.update_async(subscription_id, cast(Any, params), {"idempotency_key": key}),
        )

    async def create_portal_session(self, customer_id: str, return_url: str, *, key: str) -> Obj:
        return await self._call(
            "open the billing portal",
            self.client.v1.billing_portal.sessions.create_async(
                {"customer": customer_id, "return_url": return_url}, {"idempotency_key": key}
            ),
        )
