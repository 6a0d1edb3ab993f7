"""Plans and credit packs: the price list as data (design/domain.md, Plans, packs, costs), seeded with the
launch defaults and editable by platform admins. Nothing else hard-codes a slot count, a price or a seat limit.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, TimestampsMixin

TRIAL_PLAN = "trial"


class Plan(TimestampsMixin, Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("product_slots >= 0", name="product_slots_not_negative"),
        CheckConstraint("monthly_credits >= 0", name="monthly_credits_not_negative"),
        {"info": {"reference_data": True}},
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    product_slots: Mapped[int] = mapped_column(Integer)
    # Credits granted per paid period (per month; a yearly plan grants them monthly too).
    monthly_credits: Mapped[int] = mapped_column(Integer)
    monthly_price_cents: Mapped[int] = mapped_column(Integer)
    yearly_price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="usd", server_default="usd")
    seats: Mapped[int | None] = mapped_column(Integer)  # None: unlimited
    concurrent_jobs: Mapped[int] = mapped_column(Integer)
    api_access: Mapped[bool] = mapped_column(Boolean)
    # Unused included credits carried into the next period, at most this many (0: none).
    rollover_cap: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The trial is not sold; retired plans stay for the workspaces still on them.
    purchasable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


class CreditPack(TimestampsMixin, Base):
    __tablename__ = "credit_packs"
    __table_args__ = (
        CheckConstraint("credits > 0", name="credits_positive"),
        CheckConstraint("price_cents > 0", name="price_positive"),
        {"info": {"reference_data": True}},
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    credits: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="usd", server_default="usd")
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    purchasable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
