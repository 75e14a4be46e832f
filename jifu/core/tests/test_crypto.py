"""Tests for jifu.core.crypto. All personal data here is synthetic."""

import base64
import pickle
import re
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from jifu.core import crypto
from jifu.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    encrypt,
    generate_key_entry,
    get_keyring,
    mask_bank_account,
    mask_id_number,
    mask_phone,
    needs_rotation,
    reencrypt,
)

ID = "620102199001011234"
CTX = "person.id_number"
KEY1 = generate_key_entry(1)
KEY2 = generate_key_entry(2)
# Fixed key for known-answer tests: stored tokens and indexes must survive code changes.
FIXED_KEY = "1:" + base64.b64encode(bytes(range(32))).decode()
TOKEN = re.compile(r"[1-9][0-9]*\$[sa]\$[A-Za-z0-9_-]+")


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    # A tmp VAR_DIR keeps any accidental key-file fallback out of the real var/.
    settings.VAR_DIR = tmp_path
    settings.PRODUCTION = False
    settings.JIFU_DATA_KEY = KEY1
    settings.JIFU_CIPHER = "sm4"
    settings.JIFU_INDEX_KEY_VERSION = None
    return settings


def _code(token, context=CTX):
    with pytest.raises(DecryptionError) as exc:
        decrypt(token, context=context)
    return exc.value.code


# --- encryption ---------------------------------------------------------------------


@pytest.mark.parametrize(("cipher", "alg"), [("sm4", "s"), ("aes", "a")])
def test_round_trip(settings, cipher, alg):
    settings.JIFU_CIPHER = cipher
    token = encrypt(ID, context=CTX)
    assert TOKEN.fullmatch(token)
    assert token.startswith(f"1${alg}$")
    assert token.isascii()
    assert ID not in token
    assert decrypt(token, context=CTX) == ID


@pytest.mark.parametrize("cipher", ["sm4", "aes"])
def test_non_bmp_and_long_plaintext_round_trip(settings, cipher):
    settings.JIFU_CIPHER = cipher
    for value in ["张𠮷", "马 阿依古丽·买买提", "x" * 10_000, " leading and trailing "]:
        assert decrypt(encrypt(value, context="person.name"), context="person.name") == value


def test_empty_stays_empty():
    assert encrypt("", context=CTX) == ""
    assert blind_index("", context=CTX) == ""
    assert decrypt("", context=CTX) == ""
    assert needs_rotation("") is False
    assert reencrypt("", context=CTX) == ""


def test_random_nonce_but_stable_blind_index():
    first, second = encrypt(ID, context=CTX), encrypt(ID, context=CTX)
    assert first != second
    assert blind_index(ID, context=CTX) == blind_index(ID, context=CTX)


def test_wrong_context_fails():
    token = encrypt(ID, context=CTX)
    assert _code(token, context="person.phone") == "authentication"


def test_tampered_token_fails():
    token = encrypt(ID, context=CTX)
    version, alg, payload = token.split("$")
    middle = len(payload) // 2
    flipped = "A" if payload[middle] != "A" else "B"
    tampered = payload[:middle] + flipped + payload[middle + 1 :]
    assert _code(f"{version}${alg}${tampered}") == "authentication"
    # Same bytes under the other algorithm, and a truncated tag.
    assert _code(f"{version}$a${payload}") == "authentication"
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    short = base64.urlsafe_b64encode(raw[:-3]).rstrip(b"=").decode()
    assert _code(f"{version}${alg}${short}") == "authentication"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1$s$",
        "1$x$" + "A" * 40,
        "0$s$" + "A" * 40,
        "01$s$" + "A" * 40,
        "1$s$" + "A" * 20,  # shorter than nonce + tag
        "1$s$" + "A" * 41,  # impossible base64 length
        "1$s$" + "A" * 40 + "\n",
        "1$s$" + "A" * 38 + "B",  # non-canonical: stray bits in the last character
        "1$s$" + "A+" * 20,  # standard, not URL-safe, alphabet
    ],
)
def test_malformed_token_fails(token):
    assert _code(token) == "malformed"


def test_unknown_version_fails(settings):
    settings.JIFU_DATA_KEY = f"{KEY1},{KEY2}"
    token = encrypt(ID, context=CTX)
    settings.JIFU_DATA_KEY = KEY1
    assert _code(token) == "unknown_version"


def test_decryption_error_is_value_error_and_picklable():
    with pytest.raises(ValueError, match="malformed token") as exc:
        decrypt("garbage", context=CTX)
    copy = pickle.loads(pickle.dumps(exc.value))  # noqa: S301 - our own bytes
    assert (copy.code, str(copy)) == (exc.value.code, str(exc.value))


@pytest.mark.parametrize("context", ["", "a\x00b", None])
def test_context_is_required(context):
    with pytest.raises((ValueError, TypeError)):
        encrypt(ID, context=context)
    with pytest.raises((ValueError, TypeError)):
        blind_index(ID, context=context)


def test_known_answer_decrypts():
    # Tokens made by this module with FIXED_KEY; failing means stored data would be lost.
    sm4 = "1$s$vZH7I_m3z7VLhGkv8gei50ZFneB3d7woUV3oy9zCBnk9JxyZnb0"
    aes = "1$a$7g-SSx3gxBIuRBpoX-hPKgACzMN9sedR9tAL2emWUqb9-DCA0oc"
    ring = crypto.KeyRing({1: bytes(range(32))}, "sm4", None)
    assert ring.decrypt(sm4, "person.name") == "张三𠮷"
    assert ring.decrypt(aes, "person.name") == "张三𠮷"


# --- blind index ----------------------------------------------------------------------


def test_blind_index_format_and_separation(settings):
    index = blind_index(ID, context=CTX)
    assert re.fullmatch(r"s1:[0-9a-f]{64}", index)
    assert blind_index(ID, context="bank.account") != index
    assert blind_index(ID[:-1] + "5", context=CTX) != index
    # No normalisation here: callers uppercase the X themselves.
    assert blind_index("62010219900101123x", context=CTX) != blind_index(
        "62010219900101123X", context=CTX
    )
    settings.JIFU_CIPHER = "aes"
    assert re.fullmatch(r"a1:[0-9a-f]{64}", blind_index(ID, context=CTX))


def test_blind_index_known_answers(settings):
    # Independently checked with hashlib (HKDF-SHA256 by hand, then HMAC-SM3 / SHA256).
    settings.JIFU_DATA_KEY = FIXED_KEY
    assert blind_index(ID, context=CTX) == (
        "s1:7e8a7680f55558f96ee1c06ffa88ad4e7c0749ee6c93d3cba65f2947c1c37a8c"
    )
    settings.JIFU_CIPHER = "aes"
    assert blind_index(ID, context=CTX) == (
        "a1:4748320ac3c0b4e58b90be47603901682540702ec9cac1cc0fbdd1e9ba71597b"
    )


def test_blind_index_uses_configured_index_key_version(settings):
    settings.JIFU_DATA_KEY = f"{KEY1},{KEY2}"
    lowest = blind_index(ID, context=CTX)
    settings.JIFU_INDEX_KEY_VERSION = "2"
    pinned = blind_index(ID, context=CTX)
    assert pinned.startswith("s2:")
    assert pinned[3:] != lowest[3:]
    settings.JIFU_INDEX_KEY_VERSION = 3
    with pytest.raises(ImproperlyConfigured, match="JIFU_INDEX_KEY_VERSION"):
        blind_index(ID, context=CTX)


# --- rotation -------------------------------------------------------------------------


def test_key_rotation(settings):
    old = encrypt(ID, context=CTX)
    index = blind_index(ID, context=CTX)
    assert needs_rotation(old) is False
    assert reencrypt(old, context=CTX) == old

    settings.JIFU_DATA_KEY = f"{KEY1},{KEY2}"
    assert needs_rotation(old) is True
    assert decrypt(old, context=CTX) == ID
    new = reencrypt(old, context=CTX)
    assert new.startswith("2$s$")
    assert needs_rotation(new) is False
    assert decrypt(new, context=CTX) == ID
    assert encrypt(ID, context=CTX).startswith("2$")
    assert blind_index(ID, context=CTX) == index


def test_switching_cipher_keeps_old_tokens_readable(settings):
    settings.JIFU_CIPHER = "aes"
    old = encrypt(ID, context=CTX)
    settings.JIFU_CIPHER = "sm4"
    assert needs_rotation(old) is True
    assert decrypt(old, context=CTX) == ID
    new = reencrypt(old, context=CTX)
    assert new.startswith("1$s$")
    assert decrypt(new, context=CTX) == ID


def test_needs_rotation_rejects_malformed_token():
    with pytest.raises(DecryptionError):
        needs_rotation("not a token")


# --- configuration --------------------------------------------------------------------


def test_production_without_key_refuses(settings):
    settings.PRODUCTION = True
    settings.JIFU_DATA_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="JIFU_DATA_KEY") as exc:
        encrypt(ID, context=CTX)
    assert "生产模式" in str(exc.value)
    assert not (settings.VAR_DIR / "data.key").exists()


def test_embedded_without_key_creates_private_key_file(settings, tmp_path):
    settings.JIFU_DATA_KEY = ""
    settings.VAR_DIR = tmp_path / "var"  # not created yet
    token = encrypt(ID, context=CTX)
    key_file = tmp_path / "var" / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    assert re.fullmatch(r"1:[A-Za-z0-9+/]{43}=\n", content)
    assert list(tmp_path.joinpath("var").iterdir()) == [key_file]  # temp file removed

    # A fresh process (empty cache) reads the same key back instead of replacing it.
    crypto._load_keyring.cache_clear()
    assert decrypt(token, context=CTX) == ID
    assert key_file.read_text() == content


def test_embedded_key_file_is_not_used_when_a_key_is_set(settings):
    encrypt(ID, context=CTX)
    assert not (settings.VAR_DIR / "data.key").exists()


def test_bare_key_is_version_one(settings):
    settings.JIFU_DATA_KEY = KEY1.split(":", 1)[1]
    token = encrypt(ID, context=CTX)
    assert token.startswith("1$")
    settings.JIFU_DATA_KEY = KEY1
    assert decrypt(token, context=CTX) == ID


def test_key_list_tolerates_whitespace_and_order(settings):
    settings.JIFU_DATA_KEY = f" {KEY2} ,\n{KEY1} "
    assert encrypt(ID, context=CTX).startswith("2$")


@pytest.mark.parametrize(
    ("data_key", "message"),
    [
        ("1:" + base64.b64encode(b"k" * 16).decode(), "32"),
        ("1:not*base64", "32"),
        ("k" * 44, "32"),
        (f"{KEY1},{KEY1}", "duplicate"),
        ("x:" + KEY1.split(":", 1)[1], "invalid key version"),
        ("0:" + KEY1.split(":", 1)[1], "invalid key version"),
        (" , ", "no key"),
    ],
    # Fixed ids: random keys in ids differ between xdist workers (and leak into logs).
    ids=["16-bytes", "not-base64", "33-bytes", "duplicate", "version-x", "version-0", "empty"],
)
def test_bad_key_configuration(settings, data_key, message):
    settings.JIFU_DATA_KEY = data_key
    with pytest.raises(ImproperlyConfigured, match=message) as exc:
        encrypt(ID, context=CTX)
    assert KEY1.split(":", 1)[1] not in str(exc.value)  # key text is never echoed


def test_bad_cipher_setting(settings):
    settings.JIFU_CIPHER = "des"
    with pytest.raises(ImproperlyConfigured, match="JIFU_CIPHER"):
        encrypt(ID, context=CTX)


def test_cipher_setting_is_case_insensitive(settings):
    settings.JIFU_CIPHER = " AES "
    assert encrypt(ID, context=CTX).startswith("1$a$")


def test_generate_key_entry():
    entry = generate_key_entry(7)
    version, key = entry.split(":")
    assert version == "7"
    assert len(base64.b64decode(key, validate=True)) == 32
    assert generate_key_entry(7) != entry
    for bad in (0, -1, 1_000_000):
        with pytest.raises(ValueError):
            generate_key_entry(bad)
    with pytest.raises(TypeError):
        generate_key_entry("1")


def test_keyring_repr_hides_keys(settings):
    settings.JIFU_DATA_KEY = FIXED_KEY
    text = repr(get_keyring()) + repr(get_keyring().versions)
    assert "versions=[1]" in text
    assert "AAECAw" not in text and "\\x00\\x01" not in text


# --- masks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("620102199001011234", "6201**********1234"),
        ("62010219900101123X", "6201**********123X"),
        ("620102900101123", "6201*******1123"),  # 15 digits
        (" 620102199001011234 ", "6201**********1234"),
        ("12345678901", "***********"),  # too short to show both ends
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("0931-8123456", "0931-***3456"),
        ("010-12345678", "010-****5678"),
        ("(0931)8123456", "(0931)***3456"),
        ("09318123456", "0931***3456"),
        ("02112345678", "021****5678"),
        ("8123456", "*******"),  # local number without area code: too short
        ("95588", "*****"),
        ("", ""),
        ("  ", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6222021234567891234", "622202*********1234"),
        ("6222 0212 3456 7891 234", "622202*********1234"),
        ("6222021234567890", "622202******7890"),
        ("1234567890123", "*************"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_bank_account(value, masked):
    assert mask_bank_account(value) == masked


def test_masks_hide_the_right_number_of_characters():
    for length in range(25):
        value = "9" * length
        for mask in (mask_id_number, mask_bank_account, mask_phone):
            assert len(mask(value)) == length, (mask, length)
