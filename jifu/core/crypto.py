"""Field encryption, blind indexes and display masks for personal data.

ID numbers, phone numbers and bank accounts are stored encrypted (SM4-GCM by
default, as the GB/T 39786 commercial-cryptography assessment expects; AES-256-GCM
when ``JIFU_CIPHER = "aes"``), looked up through a keyed HMAC "blind index"
(HMAC-SM3 or HMAC-SHA256) and shown masked.

Keys come from ``settings.JIFU_DATA_KEY``: comma-separated ``VERSION:BASE64`` entries,
each the base64 of 32 random bytes (``generate_key_entry`` makes one). The highest
version encrypts; every listed version decrypts. Embedded mode without a key uses
``VAR_DIR/data.key``, created on first use; production refuses to run without one.
Losing the key loses the data: back the key up separately from the database.

Token layout: ``"{version}${alg}${base64url(nonce || ciphertext || tag)}"`` with
alg ``s`` (SM4-GCM) or ``a`` (AES-GCM). The caller's ``context`` (e.g.
``"person.id_number"``) is the GCM associated data, so a token copied into another
column does not decrypt.

Blind indexes look like ``"s1:<64 hex>"``: algorithm letter, index key version, HMAC.
They use the key of ``settings.JIFU_INDEX_KEY_VERSION`` (default: the lowest version
listed), never the current encryption key, so rotating the encryption key leaves them
unchanged. Keep that key version in ``JIFU_DATA_KEY`` for as long as indexes made with
it exist; the prefix makes an index made with another algorithm or key visible
instead of silently never matching.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

__all__ = [
    "DecryptionError",
    "KeyRing",
    "blind_index",
    "decrypt",
    "encrypt",
    "generate_key_entry",
    "get_keyring",
    "mask_bank_account",
    "mask_id_number",
    "mask_phone",
    "needs_rotation",
    "reencrypt",
]

logger = logging.getLogger(__name__)

KEY_FILE_NAME = "data.key"
_MASTER_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_MAX_VERSION = 999_999

# JIFU_CIPHER value -> (token letter, blind-index hash name).
_CIPHERS = {"sm4": ("s", "sm3"), "aes": ("a", "sha256")}

_TOKEN = re.compile(r"([1-9][0-9]{0,5})\$([sa])\$([A-Za-z0-9_-]{38,})")
_VERSION = re.compile(r"[1-9][0-9]{0,5}")


class DecryptionError(ValueError):
    """A token that cannot be decrypted.

    ``code`` is ``"malformed"``, ``"unknown_version"`` or ``"authentication"`` (tampered
    token, wrong context or wrong key: GCM cannot tell these apart).
    """

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def __reduce__(self):
        # Keep the exception picklable (task queues, multiprocessing).
        return (type(self), (self.code, self.message_zh, self.message_en))


def _improperly_configured(message_zh: str, message_en: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{message_zh} / {message_en}")


# --- primitives -------------------------------------------------------------------


class _Sm4Gcm:
    """SM4-GCM with the AESGCM calling convention (output is ciphertext || tag)."""

    __slots__ = ("_algorithm",)

    def __init__(self, key: bytes) -> None:
        # The algorithm object only holds the key; a Cipher is built per call because
        # the nonce is part of the GCM mode object.
        self._algorithm = algorithms.SM4(key)

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        encryptor = Cipher(self._algorithm, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data)
        ciphertext = encryptor.update(data) + encryptor.finalize()
        return ciphertext + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        ciphertext, tag = data[:-_TAG_BYTES], data[-_TAG_BYTES:]
        decryptor = Cipher(self._algorithm, modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated_data)
        return decryptor.update(ciphertext) + decryptor.finalize()


def _hkdf(master: bytes, info: bytes, length: int) -> bytes:
    # Separate sub-keys per purpose: the encryption and index keys must never coincide.
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


class _KeyVersion:
    """The sub-keys derived from one master key."""

    __slots__ = ("aeads", "version")

    def __init__(self, version: int, master: bytes) -> None:
        self.version = version
        self.aeads = {
            "s": _Sm4Gcm(_hkdf(master, b"jifu/enc/sm4", 16)),
            "a": AESGCM(_hkdf(master, b"jifu/enc/aes-256", 32)),
        }

    def __repr__(self) -> str:  # never show key material in tracebacks or logs
        return f"<KeyVersion {self.version}>"


class KeyRing:
    """All configured key versions, the current encryption version and the index key.

    Built once per distinct configuration by ``get_keyring``; safe to share between
    threads (cipher objects hold only keys).
    """

    __slots__ = ("alg", "cipher", "current", "index_prefix", "index_version", "versions", "_mac")

    def __init__(self, keys: dict[int, bytes], cipher: str, index_version: int | None) -> None:
        if not keys:
            raise _improperly_configured("JIFU_DATA_KEY 中没有密钥", "JIFU_DATA_KEY holds no key")
        if cipher not in _CIPHERS:
            raise _improperly_configured(
                f"JIFU_CIPHER 只能是 sm4 或 aes，而不是 {cipher!r}",
                f"JIFU_CIPHER must be 'sm4' or 'aes', not {cipher!r}",
            )
        if index_version is None:
            index_version = min(keys)
        if index_version not in keys:
            raise _improperly_configured(
                f"JIFU_INDEX_KEY_VERSION={index_version} 在 JIFU_DATA_KEY 中不存在",
                f"JIFU_INDEX_KEY_VERSION={index_version} is not in JIFU_DATA_KEY",
            )
        self.cipher = cipher
        self.alg, hash_name = _CIPHERS[cipher]
        self.versions = {v: _KeyVersion(v, master) for v, master in sorted(keys.items())}
        self.current = self.versions[max(keys)]
        self.index_version = index_version
        self.index_prefix = f"{self.alg}{index_version}:"
        algorithm = hashes.SM3() if hash_name == "sm3" else hashes.SHA256()
        mac_key = _hkdf(keys[index_version], b"jifu/bidx/" + hash_name.encode(), 32)
        # A keyed HMAC copied per call skips re-keying for every row.
        self._mac = hmac.HMAC(mac_key, algorithm)

    def __repr__(self) -> str:
        return (
            f"<KeyRing cipher={self.cipher} versions={list(self.versions)} "
            f"current={self.current.version} index={self.index_version}>"
        )

    def encrypt(self, plaintext: str, context: str) -> str:
        """Encrypt with the current key and configured cipher; see ``encrypt``."""
        if not isinstance(plaintext, str):
            raise TypeError(f"plaintext must be str, not {type(plaintext).__name__}")
        _check_context(context)
        if plaintext == "":
            return ""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self.current.aeads[self.alg].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{self.current.version}${self.alg}${payload}"

    def decrypt(self, token: str, context: str) -> str:
        """Decrypt with the version and algorithm recorded in the token; see ``decrypt``."""
        if not isinstance(token, str):
            raise TypeError(f"token must be str, not {type(token).__name__}")
        _check_context(context)
        if token == "":
            return ""
        version, alg, raw = _parse_token(token)
        key = self.versions.get(version)
        if key is None:
            raise DecryptionError(
                "unknown_version",
                f"密文使用的密钥版本 {version} 未配置",
                f"key version {version} used by this token is not configured",
            )
        try:
            data = key.aeads[alg].decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
            return data.decode("utf-8")
        except InvalidTag:
            raise DecryptionError(
                "authentication",
                f"密文校验失败（被篡改、字段 {context} 不符或密钥错误）",
                f"authentication failed for {context}: tampered token, wrong context or wrong key",
            ) from None
        except UnicodeDecodeError:  # authentic but not ours: never written by encrypt()
            raise _malformed("明文不是 UTF-8 / plaintext is not UTF-8") from None

    def blind_index(self, value: str, context: str) -> str:
        """Deterministic keyed hash for equality lookups; see ``blind_index``."""
        if not isinstance(value, str):
            raise TypeError(f"value must be str, not {type(value).__name__}")
        _check_context(context)
        if value == "":
            return ""  # like encrypt(): a blank field stays blank, not one shared hash
        mac = self._mac.copy()
        mac.update(f"{context}\x00{value}".encode())
        return self.index_prefix + mac.finalize().hex()

    def needs_rotation(self, token: str) -> bool:
        """True when the token was not written with the current key version and cipher."""
        if token == "":
            return False
        # Only the header matters here; decrypt() validates the payload.
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise _malformed("应为 版本$算法$数据 / expected version$alg$data")
        return int(match[1]) != self.current.version or match[2] != self.alg


def _check_context(context: str) -> None:
    # The context separates columns; an empty one or one containing the separator
    # would make two different (context, value) pairs hash alike.
    if not isinstance(context, str) or not context or "\x00" in context:
        raise ValueError("context must be a non-empty string without NUL characters")


def _malformed(reason: str) -> DecryptionError:
    return DecryptionError("malformed", f"密文格式无效：{reason}", f"malformed token: {reason}")


def _parse_token(token: str) -> tuple[int, str, bytes]:
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise _malformed("应为 版本$算法$数据 / expected version$alg$data")
    version, alg, payload = match.groups()
    if len(payload) % 4 == 1:
        raise _malformed("base64 长度错误 / bad base64 length")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    # Reject non-canonical base64 (stray low bits in the last character), so that any
    # change to a token's text, not only to its bytes, is refused.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != payload:
        raise _malformed("base64 不规范 / non-canonical base64")
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise _malformed("数据过短 / data too short")
    return int(version), alg, raw


# --- configuration ----------------------------------------------------------------


def generate_key_entry(version: int) -> str:
    """Return a new ``"VERSION:BASE64"`` entry holding 32 random bytes.

    For ``JIFU_DATA_KEY`` (append it, comma-separated, to rotate) and the embedded
    key file.
    """
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError("version must be an int")
    if not 1 <= version <= _MAX_VERSION:
        raise ValueError(f"version must be between 1 and {_MAX_VERSION}")
    key = base64.b64encode(secrets.token_bytes(_MASTER_KEY_BYTES)).decode("ascii")
    return f"{version}:{key}"


@sensitive_variables()
def _parse_keys(text: str, source: str) -> dict[int, bytes]:
    """Parse ``VERSION:BASE64`` entries separated by commas or whitespace."""
    keys: dict[int, bytes] = {}
    for entry in re.split(r"[,\s]+", text.strip()):
        if not entry:
            continue
        version_text, sep, encoded = entry.rpartition(":")
        if not sep:
            version_text = "1"  # a bare key is version 1
        if not _VERSION.fullmatch(version_text):
            raise _improperly_configured(
                f"{source} 中的密钥版本无效：{version_text!r}",
                f"{source}: invalid key version {version_text!r}",
            )
        version = int(version_text)
        try:
            # Accept both base64 alphabets; validate=True refuses stray characters.
            key = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
        except binascii.Error:
            key = b""
        if len(key) != _MASTER_KEY_BYTES:
            # Never echo the key text itself.
            raise _improperly_configured(
                f"{source} 中版本 {version} 的密钥必须是 32 字节的 base64",
                f"{source}: key version {version} must be base64 of 32 bytes",
            )
        if version in keys:
            raise _improperly_configured(
                f"{source} 中密钥版本 {version} 重复", f"{source}: duplicate key version {version}"
            )
        keys[version] = key
    if not keys:
        raise _improperly_configured(f"{source} 中没有密钥", f"{source} holds no key")
    return keys


def _read_or_create_key_file(path: Path) -> str:
    """Return the embedded key file's text, creating it (mode 0600) if missing."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        pass
    else:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            logger.warning("%s is readable by other users; chmod 600 it", path)
        return text
    path.parent.mkdir(parents=True, exist_ok=True)
    text = generate_key_entry(1) + "\n"
    # Write a complete private temp file, then hard-link it into place: the link fails
    # if another process created the key meanwhile, so two processes never end up
    # encrypting with different keys and a reader never sees a half-written file.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".data.key.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp_name, path)
        except FileExistsError:
            return path.read_text(encoding="ascii")
        except OSError:
            # Filesystems without hard links: exclusive create still lets only one
            # process win.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return path.read_text(encoding="ascii")
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text)
    finally:
        os.unlink(tmp_name)
    logger.warning("created new data encryption key %s; back it up", path)
    return text


@functools.lru_cache(maxsize=16)
@sensitive_variables("data_key")
def _load_keyring(
    data_key: str, cipher: str, index_version: str, production: bool, var_dir: str
) -> KeyRing:
    if data_key:
        keys = _parse_keys(data_key, "JIFU_DATA_KEY")
    elif production:
        raise _improperly_configured(
            "生产模式必须设置 JIFU_DATA_KEY（可用 generate_key_entry(1) 生成）",
            "JIFU_DATA_KEY must be set in production mode (generate one with generate_key_entry(1))",
        )
    else:
        path = Path(var_dir) / KEY_FILE_NAME
        keys = _parse_keys(_read_or_create_key_file(path), str(path))
    if index_version.strip() == "":
        parsed_index = None
    elif _VERSION.fullmatch(index_version.strip()):
        parsed_index = int(index_version)
    else:
        raise _improperly_configured(
            f"JIFU_INDEX_KEY_VERSION 无效：{index_version!r}",
            f"JIFU_INDEX_KEY_VERSION is invalid: {index_version!r}",
        )
    return KeyRing(keys, cipher.strip().lower(), parsed_index)


def get_keyring() -> KeyRing:
    """Return the KeyRing for the current settings (cached per distinct settings)."""
    data_key = str(getattr(settings, "JIFU_DATA_KEY", "") or "").strip()
    cipher = str(getattr(settings, "JIFU_CIPHER", "sm4") or "sm4")
    index_version = getattr(settings, "JIFU_INDEX_KEY_VERSION", None)
    index_text = "" if index_version is None else str(index_version)
    if data_key:
        # The key file settings do not matter; keep them out of the cache key.
        return _load_keyring(data_key, cipher, index_text, False, "")
    production = bool(getattr(settings, "PRODUCTION", False))
    return _load_keyring(data_key, cipher, index_text, production, str(settings.VAR_DIR))


# --- public API -------------------------------------------------------------------

# sensitive_variables keeps plaintext out of Django's error reports for these frames.


@sensitive_variables()
def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` for the column named by ``context``.

    Returns ``"{version}${alg}${base64url}"`` (ASCII). ``""`` stays ``""``.
    """
    return get_keyring().encrypt(plaintext, context)


@sensitive_variables()
def decrypt(token: str, *, context: str) -> str:
    """Decrypt a token made by ``encrypt`` with the same ``context``.

    ``""`` stays ``""``. The token's own version and algorithm are used, so data
    written before a key rotation or cipher switch still decrypts. Raises
    ``DecryptionError`` for a malformed token, an unknown key version, tampering or a
    wrong context.
    """
    return get_keyring().decrypt(token, context)


@sensitive_variables()
def blind_index(value: str, *, context: str) -> str:
    """Return the blind index of ``value`` for ``context``, e.g. ``"s1:9f…"``.

    HMAC-SM3 (``s``) or HMAC-SHA256 (``a``) per ``JIFU_CIPHER``, keyed by the index
    key version (the number after the letter), over ``context + "\\x00" + value``.
    Deterministic; callers normalise ``value`` first (this function does not).
    ``""`` stays ``""``.
    """
    return get_keyring().blind_index(value, context)


def needs_rotation(token: str) -> bool:
    """True when ``token`` is not under the current key version and configured cipher.

    ``""`` needs nothing. Raises ``DecryptionError`` for a malformed token.
    """
    return get_keyring().needs_rotation(token)


@sensitive_variables()
def reencrypt(token: str, *, context: str) -> str:
    """Re-encrypt ``token`` with the current key and cipher.

    Returns the token unchanged when it is already current, so a rotation run can be
    repeated and only rewrites rows that change.
    """
    ring = get_keyring()
    if not ring.needs_rotation(token):
        return token
    return ring.encrypt(ring.decrypt(token, context), context)


# --- masks for display (pure) -----------------------------------------------------

# Fewer hidden characters than this and the value is shown as all stars: revealing
# 8 of 10 characters protects nothing.
_MIN_HIDDEN = 4
_SEPARATORS = re.compile(r"[\s-]+")


def _keep_ends(text: str, head: int, tail: int, min_hidden: int = _MIN_HIDDEN) -> str:
    hidden = len(text) - head - tail
    if hidden < min_hidden:
        return "*" * len(text)
    return text[:head] + "*" * hidden + text[len(text) - tail :]


def mask_id_number(value: str | None) -> str:
    """Show the first 4 and last 4 characters: ``6201**********1234``.

    Works for 18- and 15-digit numbers; short values become all stars, empty stays empty.
    """
    return _keep_ends(_SEPARATORS.sub("", value or ""), 4, 4)


def mask_bank_account(value: str | None) -> str:
    """Show the first 6 and last 4 digits: ``622202*********1234``.

    Spaces and hyphens are dropped so each star is one hidden digit.
    """
    return _keep_ends(_SEPARATORS.sub("", value or ""), 6, 4)


_MOBILE = re.compile(r"(\+?86|0086)?(1[0-9]{10})")
_LANDLINE = re.compile(r"(\(?0[0-9]{2,3}\)?)([\s-]?)([0-9]{7,8})")


def mask_phone(value: str | None) -> str:
    """Mask a phone number for display.

    Mobiles keep the first 3 and last 4 digits (``138****5678``, country prefix kept);
    landlines keep the area code and last 4 digits (``0931-***3456``); anything else
    keeps only the last 4 characters, or is all stars when short.
    """
    text = (value or "").strip()
    if not text:
        return ""
    compact = _SEPARATORS.sub("", text)
    mobile = _MOBILE.fullmatch(compact)
    if mobile:
        prefix, number = mobile.groups()
        return (prefix or "") + number[:3] + "****" + number[-4:]
    landline = _LANDLINE.fullmatch(text)
    if landline and not landline.group(2) and not text.startswith("("):
        # No separator: 010 and 02x are 3-digit area codes, all others 4 digits.
        area_length = 3 if text.startswith(("010", "02")) else 4
        area, local = text[:area_length], text[area_length:]
        if 7 <= len(local) <= 8:
            return area + _keep_ends(local, 0, 4, min_hidden=3)
    elif landline:
        # Behind a known area code a 7-digit local number may show its last 4.
        area, separator, local = landline.groups()
        return area + separator + _keep_ends(local, 0, 4, min_hidden=3)
    return _keep_ends(text, 0, 4)


# --- encrypted columns ----------------------------------------------------------------

# (app_label.Model, column holding tokens, context) for every encrypted column, so
# that `jifu keys rotate` can re-encrypt them all. Apps register theirs at start-up.
ENCRYPTED_COLUMNS: list[tuple[str, str, str]] = []


def register_encrypted(model_label: str, column: str, context: str) -> None:
    entry = (model_label, column, context)
    if entry not in ENCRYPTED_COLUMNS:
        ENCRYPTED_COLUMNS.append(entry)


def protect_account(raw: str, context: str) -> tuple[str, str, str]:
    """(ciphertext, blind index, masked) of an already normalised account number."""
    if not raw:
        return "", "", ""
    ring = get_keyring()
    return ring.encrypt(raw, context), ring.blind_index(raw, context), mask_bank_account(raw)
