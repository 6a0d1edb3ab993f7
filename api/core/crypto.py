"""Secrets at rest (store access tokens, API secrets): AES-256-GCM with a keyring.

A ciphertext reads `v1:<key id>:<base64url(nonce + ciphertext + tag)>`. The key id says which key of the ring
sealed it, so keys rotate without a flag day: new writes use the current key, old keys keep decrypting until
`epox stores rotate-keys` has re-encrypted every row. The associated data binds a ciphertext to the row it
belongs to (organization + record id): copied into another tenant's or another connection's row, it fails
authentication instead of decrypting.
"""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from api.core.config import Settings

VERSION = "v1"
NONCE_BYTES = 12
DERIVED_KEY_ID = "s0"


class CredentialError(Exception):
    """A ciphertext that does not open: unknown key id, tampered, or bound to another row."""


def _aad(organization_id: uuid.UUID, record_id: uuid.UUID, purpose: str) -> bytes:
    return f"epox:{VERSION}:{purpose}:{organization_id}:{record_id}".encode()


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def derive_key(secret: str) -> bytes:
    """A 256-bit key from the app secret, for local runs and tests that configure no keyring."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"epox credentials v1").derive(secret.encode())


@dataclass(frozen=True)
class Sealed:
    ciphertext: str
    key_id: str


class CredentialCipher:
    def __init__(self, keys: dict[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise ValueError(f"the current key id {current_key_id!r} is not in the keyring")
        for key_id, key in keys.items():
            if len(key) != 32 or ":" in key_id:
                raise ValueError(f"key {key_id!r} must be 32 bytes and its id must not contain ':'")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current_key_id = current_key_id

    @classmethod
    def from_settings(cls, settings: Settings) -> CredentialCipher:
        keys = {key_id: _b64decode(value.get_secret_value()) for key_id, value in settings.credential_keys.items()}
        if not keys:
            keys = {DERIVED_KEY_ID: derive_key(settings.secret_key.get_secret_value())}
        return cls(keys, settings.credential_key_id or next(iter(keys)))

    def encrypt(
        self, plaintext: str, *, organization_id: uuid.UUID, record_id: uuid.UUID, purpose: str = "store"
    ) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.current_key_id].encrypt(
            nonce, plaintext.encode(), _aad(organization_id, record_id, purpose)
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return Sealed(f"{VERSION}:{self.current_key_id}:{body}", self.current_key_id)

    def decrypt(
        self, ciphertext: str, *, organization_id: uuid.UUID, record_id: uuid.UUID, purpose: str = "store"
    ) -> str:
        version, key_id, body = [*ciphertext.split(":", 2), "", ""][:3]
        if version != VERSION or key_id not in self._keys:
            raise CredentialError("unknown ciphertext version or key id")
        try:
            raw = _b64decode(body)
            plain = self._keys[key_id].decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(organization_id, record_id, purpose)
            )
        except (InvalidTag, ValueError) as exc:
            raise CredentialError("the ciphertext does not open for this record") from exc
        return plain.decode()

    def needs_rotation(self, ciphertext: str) -> bool:
        return key_id_of(ciphertext) != self.current_key_id


def key_id_of(ciphertext: str) -> str:
    parts = ciphertext.split(":", 2)
    return parts[1] if len(parts) == 3 else ""
