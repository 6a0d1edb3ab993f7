"""Store credentials at rest: AES-GCM bound to the row, and key rotation that leaves every token readable."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from api.cli import _rotate_store_keys
from api.core.config import Settings
from api.core.crypto import CredentialCipher, CredentialError, key_id_of
from api.models import StoreConnection, StoreKind, StoreStatus
from api.stores.credentials import open_credentials, seal_credentials
from tests.helpers import Browser, make_browser, signup


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


async def _connection(app: FastAPI, organization_id: str, cipher: CredentialCipher, token: str) -> StoreConnection:
    async with app.state.sessionmaker() as session:
        connection = StoreConnection(
            id=uuid.uuid4(),
            organization_id=uuid.UUID(organization_id),
            kind=StoreKind.shopify,
            shop_domain=f"{uuid.uuid4().hex[:8]}.myshopify.com",
            status=StoreStatus.active,
            webhook_ids={},
        )
        seal_credentials(cipher, connection, {"access_token": token})
        session.add(connection)
        await session.commit()
        return connection


def test_ciphertext_names_its_key_and_never_contains_the_token() -> None:
    cipher = CredentialCipher({"k1": os.urandom(32)}, "k1")
    org, record = uuid.uuid4(), uuid.uuid4()
    sealed = cipher.encrypt("shpat_secret", organization_id=org, record_id=record)
    assert sealed.ciphertext.startswith("v1:k1:")
    assert "shpat_secret" not in sealed.ciphertext
    assert key_id_of(sealed.ciphertext) == "k1"
    assert cipher.decrypt(sealed.ciphertext, organization_id=org, record_id=record) == "shpat_secret"
    # Two seals of one token differ (random nonce), so equal tokens are not visible as equal ciphertexts.
    assert cipher.encrypt("shpat_secret", organization_id=org, record_id=record).ciphertext != sealed.ciphertext


def test_a_ciphertext_moved_to_another_tenant_or_connection_does_not_decrypt() -> None:
    cipher = CredentialCipher({"k1": os.urandom(32)}, "k1")
    org, record = uuid.uuid4(), uuid.uuid4()
    sealed = cipher.encrypt("shpat_secret", organization_id=org, record_id=record).ciphertext
    with pytest.raises(CredentialError):
        cipher.decrypt(sealed, organization_id=uuid.uuid4(), record_id=record)
    with pytest.raises(CredentialError):
        cipher.decrypt(sealed, organization_id=org, record_id=uuid.uuid4())
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(CredentialError):
        cipher.decrypt(tampered, organization_id=org, record_id=record)
    with pytest.raises(CredentialError):
        CredentialCipher({"k2": os.urandom(32)}, "k2").decrypt(sealed, organization_id=org, record_id=record)


async def test_a_token_copied_to_another_tenants_row_does_not_decrypt(app: FastAPI, browser: Browser) -> None:
    cipher = CredentialCipher.from_settings(app.state.settings)
    org_a = str((await signup(browser))["organization"]["id"])
    async with make_browser(app) as other:
        org_b = str((await signup(other))["organization"]["id"])
    a = await _connection(app, org_a, cipher, "shpat_a")
    b = await _connection(app, org_b, cipher, "shpat_b")
    assert open_credentials(cipher, a) == {"access_token": "shpat_a"}
    b.credentials_ciphertext = a.credentials_ciphertext  # an attacker with database access copies it
    assert open_credentials(cipher, b) is None


async def test_key_rotation_re_encrypts_everything_and_leaves_every_token_readable(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    old_key, new_key = _key(), _key()
    old = settings.model_copy(update={"credential_keys": {"old": SecretStr(old_key)}, "credential_key_id": "old"})
    rotated = settings.model_copy(
        update={"credential_keys": {"old": SecretStr(old_key), "new": SecretStr(new_key)}, "credential_key_id": "new"}
    )
    organization_id = str((await signup(browser))["organization"]["id"])
    connections = [
        await _connection(app, organization_id, CredentialCipher.from_settings(old), f"shpat_{i}") for i in range(3)
    ]

    assert await _rotate_store_keys(rotated) == (3, [])
    assert await _rotate_store_keys(rotated) == (0, [])  # idempotent

    only_new = CredentialCipher.from_settings(
        settings.model_copy(update={"credential_keys": {"new": SecretStr(new_key)}, "credential_key_id": "new"})
    )
    async with app.state.sessionmaker() as session:
        for i, connection in enumerate(connections):
            row = await session.get(StoreConnection, connection.id)
            assert row is not None
            assert row.credentials_key_id == "new"
            assert open_credentials(only_new, row) == {"access_token": f"shpat_{i}"}
