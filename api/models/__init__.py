"""All tables, imported here so Alembic and the app see one metadata."""

from api.models.auth import ApiKey, Invitation, TokenPurpose, UserSession, UserToken
from api.models.base import Base
from api.models.billing import (
    TRIAL_PLAN,
    CreditPack,
    Invoice,
    PackPurchase,
    PackPurchaseStatus,
    Plan,
    StripeEvent,
    Subscription,
)
from api.models.catalog import Category, ImageSyncState, Product, ProductCategory, ProductImage, ProductSource
from api.models.credits import (
    ActorType,
    CreditAccount,
    CreditCost,
    CreditCostVersion,
    CreditEntry,
    CreditHold,
    CreditHoldAllocation,
    CreditLot,
    EntryType,
    HoldState,
    LotCategory,
    LotSource,
)
from api.models.generation import (
    Approval,
    Asset,
    AssetSyncState,
    AssetType,
    Collection,
    Flow,
    GenerationItem,
    ItemStatus,
    ProviderCall,
)
from api.models.idempotency import IdempotencyRecord
from api.models.jobs import Job, JobKind, JobStatus
from api.models.notifications import Notification, NotificationPreference
from api.models.organization import Membership, Organization, Role
from api.models.outbox import AuditLog, EmailMessage
from api.models.stores import StoreConnection, StoreKind, StoreStatus, StoreWebhookEvent
from api.models.user import User

__all__ = [
    "TRIAL_PLAN",
    "ActorType",
    "ApiKey",
    "Approval",
    "Asset",
    "AssetSyncState",
    "AssetType",
    "AuditLog",
    "Base",
    "Category",
    "Collection",
    "CreditAccount",
    "CreditCost",
    "CreditCostVersion",
    "CreditEntry",
    "CreditHold",
    "CreditHoldAllocation",
    "CreditLot",
    "CreditPack",
    "EmailMessage",
    "EntryType",
    "Flow",
    "GenerationItem",
    "HoldState",
    "IdempotencyRecord",
    "ImageSyncState",
    "Invitation",
    "Invoice",
    "ItemStatus",
    "Job",
    "JobKind",
    "JobStatus",
    "LotCategory",
    "LotSource",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Organization",
    "PackPurchase",
    "PackPurchaseStatus",
    "Plan",
    "Product",
    "ProductCategory",
    "ProductImage",
    "ProductSource",
    "ProviderCall",
    "Role",
    "StoreConnection",
    "StoreKind",
    "StoreStatus",
    "StoreWebhookEvent",
    "StripeEvent",
    "Subscription",
    "TokenPurpose",
    "User",
    "UserSession",
    "UserToken",
]
