"""A connection's credentials (a JSON object: Shopify's access token, WooCommerce's key and secret) sealed with
the keyring and bound to the connection's organization and id, so a ciphertext copied to another row fails."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.crypto import CredentialCipher, CredentialError
from api.models import StoreConnection
from api.stores.repository import StoreConnectionScanRepository

logger = logging.getLogger("epox.stores")


def seal_credentials(cipher: CredentialCipher, connection: StoreConnection, credentials: dict[str, str]) -> None:
    sealed = cipher.encrypt(
        json.dumps(credentials, sort_keys=True), organization_id=connection.organization_id, record_id=connection.id
    )
    connection.credentials_ciphertext, connection.credentials_key_id = sealed.ciphertext, sealed.key_id


def open_credentials(cipher: CredentialCipher, connection: StoreConnection) -> dict[str, str] | None:
    """The connection's credentials, or None when it has none (revoked) or they do not open here."""
    if connection.credentials_ciphertext is None:
        return None
    try:
        plain = cipher.decrypt(
            connection.credentials_ciphertext, organization_id=connection.organization_id, record_id=connection.id
        )
    except CredentialError:
        logger.warning("store credentials do not decrypt", extra={"store_id": str(connection.id)})
        return None
    value: dict[str, str] = json.loads(plain)
    return value


def revoke_credentials(connection: StoreConnection) -> None:
    connection.credentials_ciphertext = None
    connection.credentials_key_id = None


@dataclass(frozen=True)
class RotationReport:
    rotated: int
    failed: list[uuid.UUID]


async def rotate_credential_keys(
    sessionmaker: async_sessionmaker[AsyncSession], cipher: CredentialCipher, *, batch: int = 200
) -> RotationReport:
    """Re-encrypt every connection still sealed with an old key, one short transaction per row under its lock
    (safe to run while the app writes, and to re-run after an interruption). Rows that do not open are
    reported, never overwritten."""
    rotated, failed = 0, list[uuid.UUID]()
    seen: set[uuid.UUID] = set()
    while True:
        async with sessionmaker() as session:
            ids = await StoreConnectionScanRepository(session).ids_sealed_with_other_key(
                cipher.current_key_id, exclude=seen, limit=batch
            )
        if not ids:
            return RotationReport(rotated, failed)
        for connection_id in ids:
            seen.add(connection_id)
            async with sessionmaker() as session, session.begin():
                connection = await StoreConnectionScanRepository(session).get(connection_id, for_update=True)
                if connection is None or connection.credentials_ciphertext is None:
                    continue
                if not cipher.needs_rotation(connection.credentials_ciphertext):
                    continue
                credentials = open_credentials(cipher, connection)
                if credentials is None:
                    failed.append(connection_id)
                    continue
                seal_credentials(cipher, connection, credentials)
                rotated += 1
