"""Encryption at rest for personal data: Fernet tokens under a MultiFernet (the first key
encrypts, every key decrypts, so keys can be rotated), and a keyed hash for lookups such as the
PESEL uniqueness check. Keys come from configuration (PII_KEYS, comma-separated, newest first)."""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

_state = {}


class KeysUnavailable(RuntimeError):
    """Stored personal data does not decrypt with the configured keys (wrong or missing PII_KEYS):
    the pages show "Dane osobowe są chwilowo niedostępne" (503), /healthz answers 503."""


def configure(keys):
    """Called by create_app with the PII_KEYS setting."""
    parsed = [k.strip() for k in (keys or "").split(",") if k.strip()]
    _state.clear()
    if not parsed:
        return
    _state["fernet"] = MultiFernet([Fernet(k.encode()) for k in parsed])
    _state["hash_key"] = hashlib.sha256(b"planjst-lookup:" + parsed[0].encode()).digest()


def _fernet():
    if "fernet" not in _state:
        raise KeysUnavailable("PII_KEYS is not configured")
    return _state["fernet"]


def keys_verified():
    """Whether these keys have decrypted stored data in this process (services.pii_keys)."""
    return _state.get("verified", False)


def mark_verified():
    _state["verified"] = True


def encrypt(value):
    """'' stays '' (nothing to hide); anything else becomes a token."""
    if value in (None, ""):
        return ""
    return _fernet().encrypt(str(value).encode()).decode()


def decrypt(token):
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise KeysUnavailable("personal data cannot be decrypted with the configured keys") from exc


def rotate(token):
    """The same value encrypted with the first (newest) key."""
    try:
        return _fernet().rotate(token.encode()).decode() if token else ""
    except InvalidToken as exc:
        raise KeysUnavailable("personal data cannot be decrypted with the configured keys") from exc


def encrypt_bytes(data):
    """A file's bytes (a signed copy) as a Fernet token, bytes too."""
    return _fernet().encrypt(bytes(data))


def decrypt_bytes(token):
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise KeysUnavailable("a stored file cannot be decrypted with the configured keys") from exc


def rotate_bytes(token):
    try:
        return _fernet().rotate(bytes(token))
    except InvalidToken as exc:
        raise KeysUnavailable("a stored file cannot be decrypted with the configured keys") from exc


def is_token(data):
    """Whether stored bytes are a Fernet token (they all begin with version byte 0x80)."""
    return bytes(data[:6]) == b"gAAAAA"


def lookup_hash(value):
    """A keyed hash (HMAC-SHA256, keyed by the newest key) for uniqueness checks; key rotation
    recomputes the stored hashes."""
    return hmac.new(_state["hash_key"], value.encode(), hashlib.sha256).hexdigest()


def new_key():
    return Fernet.generate_key().decode()
