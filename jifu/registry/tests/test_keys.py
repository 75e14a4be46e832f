"""Key rotation re-encrypts every stored value; blind indexes and lookups keep working."""

import base64

from django.core.management import call_command

from jifu.core import crypto
from jifu.registry import services
from jifu.registry.models import Person

from .factories import standard_rows

KEY1 = "1:" + base64.b64encode(bytes(range(32))).decode()
KEY2 = "2:" + base64.b64encode(bytes(range(32, 64))).decode()


def test_rotate_to_a_new_key(people, settings, capsys):
    assert settings.JIFU_DATA_KEY == KEY1  # the suite's synthetic key (jifu/conftest.py)
    assert all(p.id_number_enc.startswith("1$") for p in Person.objects.all())
    settings.JIFU_DATA_KEY = f"{KEY1},{KEY2}"
    call_command("keys", "status")
    assert "registry.Person.id_number_enc: 5" in capsys.readouterr().out
    call_command("keys", "rotate")
    ma = Person.objects.get(name="马文")
    assert ma.id_number_enc.startswith("2$") and ma.phone_enc.startswith("2$")
    number = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "马文")
    assert crypto.decrypt(ma.id_number_enc, context="person.id_number") == number
    assert services.find_by_id_number(number) == ma  # the blind index did not change
    call_command("keys", "rotate")
    assert "re-encrypted 0 values" in capsys.readouterr().out
