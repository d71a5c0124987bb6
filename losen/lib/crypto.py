"""Identity numbers at rest: encrypted, with a keyed hash beside them for look-up.

One key from the environment (``LOSEN_ID_KEY``, Fernet format) is stretched with HKDF
into two independent subkeys: one encrypts (Fernet: AES-128-CBC with HMAC-SHA256), the
other computes the keyed look-up hash (HMAC-SHA256). A database dump shows neither the
numbers nor anything that can be checked against a list of guessed numbers without the
key. Older keys in ``LOSEN_ID_OLD_KEYS`` still decrypt during a rotation; the look-up
hash always uses the current key, so a rotation re-hashes (``losen rotate-id-key``, later).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class KeyMissing(ImproperlyConfigured):
    pass


def _derive(master: str, info: bytes) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(master.encode())
    except (ValueError, TypeError) as exc:
        raise KeyMissing("LOSEN_ID_KEY is not valid url-safe base64.") from exc
    if len(raw) != 32:
        raise KeyMissing("LOSEN_ID_KEY must be 32 bytes in url-safe base64.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)


@lru_cache(maxsize=4)
def _keys(current: str, old: tuple[str, ...]) -> tuple[MultiFernet, bytes]:
    if not current:
        raise KeyMissing("LOSEN_ID_KEY is not set: identity numbers cannot be stored.")
    fernets = [
        Fernet(base64.urlsafe_b64encode(_derive(key, b"losen identity number encryption")))
        for key in (current, *old)
    ]
    return MultiFernet(fernets), _derive(current, b"losen identity number lookup")


def _current() -> tuple[MultiFernet, bytes]:
    return _keys(settings.LOSEN_ID_KEY, tuple(settings.LOSEN_ID_OLD_KEYS))


def encrypt(value: str) -> str:
    return _current()[0].encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current()[0].decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise KeyMissing(
            "An identity number could not be decrypted with the configured keys."
        ) from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised identity number, for exact look-up and duplicates."""
    return hmac.new(_current()[1], value.encode(), hashlib.sha256).hexdigest()


def key_is_usable() -> bool:
    try:
        _current()
    except KeyMissing:
        return False
    return True
