"""Bank account numbers as typed by people and banks: spaces, hyphens, full-width digits."""

import re
import unicodedata


class BankAccountError(ValueError):
    def __init__(self, message_zh: str):
        super().__init__(message_zh)
        self.message_zh = message_zh


def normalize(raw) -> str:
    """Digits only, 12–30 of them; an account Excel turned into a number is refused."""
    if raw is None or raw == "":
        return ""
    if isinstance(raw, float) or re.fullmatch(r"\s*\d+(\.\d+)?[eE][+]?\d+\s*", str(raw)):
        raise BankAccountError(
            "银行账号被 Excel 存成了数字，末几位已丢失，请将该列设为文本后重新填写"
        )
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", str(raw)))
    if not digits.isdigit() or not 12 <= len(digits) <= 30:
        raise BankAccountError(f"银行账号“{digits}”应为 12–30 位数字")
    return digits


ORG_CONTEXT = "organisation.bank_account"  # institutions' and employers' accounts


def org_account_fields(fields: dict, field: str = "bank_account") -> dict:
    """Replace a typed ``bank_account`` in ``fields`` by its encrypted and masked columns.

    Absent: the stored account is left as it is. Blank: the account is removed.
    """
    if field not in fields:
        return fields
    from jifu.core.crypto import protect_account

    digits = normalize(fields.pop(field))
    enc, _bidx, masked = protect_account(digits, ORG_CONTEXT)
    return {**fields, "bank_account_enc": enc, "bank_account_masked": masked}
