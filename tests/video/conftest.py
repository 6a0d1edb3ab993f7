"""The store sandboxes and the app wired to them, shared with the store tests (publishing a clip needs both)."""

from tests.stores.conftest import merchant, shopify, shopify_server, store_app, store_settings, woo, woo_server

__all__ = ["merchant", "shopify", "shopify_server", "store_app", "store_settings", "woo", "woo_server"]
