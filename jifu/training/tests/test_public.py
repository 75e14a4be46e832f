"""Public pages without login: open classes, online application, certificate lookup."""

import logging
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core import idnumber
from jifu.registry.models import Person
from jifu.training import public, services
from jifu.training.choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from jifu.training.models import Enrolment, Occupation, TrainingClass

from .fixtures_public import (  # noqa: F401 - pytest fixtures
    ELECTRICIAN,
    HOUSEKEEPING,
    fresh_rate_limits_fixture,
    id_numbers,
    make_class,
    people_fixture,
    today,
)

RECEIVED = "已收到报名，待所在村或乡镇核实后通知您"


@pytest.fixture
def open_world(people):
    make_class(people, "a", code="A-JZ", capacity=1)
    make_class(people, "a", code="A-DG", occupation=ELECTRICIAN, status=ClassStatus.RUNNING)
    make_class(people, "b", code="B-JZ")
    make_class(people, "a", code="A-DECL", status=ClassStatus.DECLARED)
    make_class(people, "a", code="A-OLD", start=today() - timedelta(days=40))
    make_class(people, "a", code="A-DONE", status=ClassStatus.COMPLETED)
    return people


def class_pk(code):
    return TrainingClass.objects.get(code=code).pk


def cards(response) -> list[str]:
    return re.findall(
        r'data-testid="class-card">(.*?)</div>\s*</div>\s*</div>', response.content.decode(), re.S
    )


def apply_url(code):
    return reverse("public:apply", args=[class_pk(code)])


def without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


# --- open classes -------------------------------------------------------------------


def test_open_classes_without_login(client, open_world):
    response = client.get(reverse("public:class_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert len(cards(response)) == 3  # approved and running, not ended; both counties
    assert "公开测试培训学校A" in body and "公开测试培训学校B" in body
    assert "家政服务员" in body and "电工" in body
    assert "东乡族自治县 锁南镇" in body and "永登县 城关镇" in body
    assert "五级/初级工" in body and "就业技能培训" in body and "集中办班" in body
    assert "或联系所在村委会/乡镇" in body
    assert apply_url("A-JZ") in body
    for hidden in ("A-DECL", "A-OLD", "A-DONE"):
        assert apply_url(hidden) not in body
    assert 'data-testid="menu"' not in body  # the logged-out shell


def test_places_left_and_no_personal_data(client, open_world):
    ma = Person.objects.get(name="马文")
    services.enrol(
        TrainingClass.objects.get(code="A-JZ"),
        ma,
        actor=open_world.user(Role.VILLAGE),
        source=EnrolmentSource.VILLAGE,
    )
    response = client.get(
        reverse("public:class_list"), {"county": "622926", "occupation": HOUSEKEEPING}
    )
    body = response.content.decode()
    assert len(cards(response)) == 1
    assert "名额已满" in body and apply_url("A-JZ") not in body  # capacity 1, one enrolled
    assert "马文" not in body and ma.id_number_masked not in body


def test_filters_by_county_and_occupation(client, open_world):
    url = reverse("public:class_list")
    response = client.get(url)
    county = response.context["form"].fields["county"]
    assert [label for value, label in county.choices if value] == ["永登县", "东乡族自治县"]
    occupation = response.context["form"].fields["occupation"]
    assert {value for value, _label in occupation.choices if value} == {HOUSEKEEPING, ELECTRICIAN}

    assert len(cards(client.get(url, {"county": "620121"}))) == 1
    assert len(cards(client.get(url, {"county": "622926"}))) == 2
    assert len(cards(client.get(url, {"occupation": ELECTRICIAN}))) == 1
    assert len(cards(client.get(url, {"county": "620121", "occupation": ELECTRICIAN}))) == 0
    # An unknown value drops that filter instead of failing.
    response = client.get(url, {"county": "999999", "occupation": ELECTRICIAN})
    assert response.status_code == 200 and len(cards(response)) == 1


def test_paginated(client, open_world, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 1)
    url = reverse("public:class_list")
    first = client.get(url, {"county": "622926"})
    assert len(cards(first)) == 1
    assert "county=622926&amp;page=2" in first.content.decode()  # filters kept across pages
    second = client.get(url, {"county": "622926", "page": 2})
    assert len(cards(second)) == 1 and cards(second) != cards(first)
    assert client.get(url, {"page": 99}).context["page"].number == 3  # past the end: last page


def test_logged_in_users_see_it_too(client, open_world):
    client.force_login(open_world.user(Role.VILLAGE))
    assert client.get(reverse("public:class_list")).status_code == 200


# --- application --------------------------------------------------------------------


def test_apply_form_only_for_open_classes(client, open_world):
    response = client.get(apply_url("A-JZ"))
    assert response.status_code == 200
    assert 'name="id_number"' in response.content.decode()
    for code in ("A-DECL", "A-OLD", "A-DONE"):
        assert client.get(apply_url(code)).status_code == 404
    assert client.post(apply_url("A-DECL"), {}).status_code == 404


def test_application_of_a_registry_person_waits_for_the_village(client, open_world):
    number = id_numbers()["马文"]
    response = client.post(
        apply_url("A-JZ"), {"name": "马文", "id_number": number.lower(), "phone": "13812345678"}
    )
    assert response.status_code == 302 and response["Location"] == apply_url("A-JZ")
    enrolment = Enrolment.objects.get(person__name="马文")
    assert (
        enrolment.status == EnrolmentStatus.APPLIED and enrolment.source == EnrolmentSource.PUBLIC
    )
    page = client.get(response["Location"]).content.decode()
    assert RECEIVED in page and number not in page
    # The phone given is kept for the call-back: encrypted, shown masked.
    assert enrolment.applicant_phone_masked == "138****5678"
    assert "13812345678" not in enrolment.applicant_phone_enc
    from jifu.core import crypto

    assert (
        crypto.decrypt(enrolment.applicant_phone_enc, context="enrolment.applicant_phone")
        == "13812345678"
    )


def test_the_answer_does_not_reveal_registry_membership(client, open_world):
    numbers = id_numbers()
    stranger = idnumber.make("622926", date(1990, 1, 1), 99)  # valid, not in the registry
    attempts = [
        {"name": "马文", "id_number": numbers["马文"], "phone": "13812345678"},  # in the registry
        {"name": "张三", "id_number": stranger, "phone": "13812345678"},  # not in it
        {"name": "王五", "id_number": numbers["马文"], "phone": "13812345678"},  # wrong name
    ]
    answers = []
    for data in attempts:
        response = client.post(apply_url("A-JZ"), data)
        page = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], without_csrf(page.content.decode()))
        )
    assert answers[0] == answers[1] == answers[2]
    assert RECEIVED in answers[0][2]
    assert Enrolment.objects.count() == 1  # only the registry person is recorded


def test_malformed_id_number_is_a_field_error_and_not_echoed(client, open_world):
    good = id_numbers()["马文"]
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    for bad in (bad_checksum, "62292619801301001X", "99999"):
        response = client.post(
            apply_url("A-JZ"), {"name": "马文", "id_number": bad, "phone": "13812345678"}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["id_number"]
        body = response.content.decode()
        assert bad not in body
        assert "19801301" not in body  # the invalid birth date is not quoted back either
        assert RECEIVED not in body
    assert not Enrolment.objects.exists()


def test_phone_and_name_are_required(client, open_world):
    response = client.post(
        apply_url("A-JZ"), {"name": "", "id_number": id_numbers()["马文"], "phone": "12"}
    )
    assert set(response.context["form"].errors) == {"name", "phone"}
    assert id_numbers()["马文"] not in response.content.decode()


def test_the_id_number_is_never_logged_or_audited(client, open_world, caplog):
    number = id_numbers()["马文"]
    with caplog.at_level(logging.DEBUG):
        client.post(
            apply_url("A-JZ"), {"name": "马文", "id_number": number, "phone": "13812345678"}
        )
        client.post(
            apply_url("A-JZ"), {"name": "马文", "id_number": number[:17] + "Y", "phone": "1"}
        )
    assert number not in caplog.text
    for event in AuditEvent.objects.all():
        assert number not in f"{event.message}{event.before}{event.after}{event.object_repr}"


def test_csrf_is_enforced(open_world):
    strict = Client(enforce_csrf_checks=True)
    data = {"name": "马文", "id_number": id_numbers()["马文"], "phone": "13812345678"}
    assert strict.post(apply_url("A-JZ"), data).status_code == 403
    assert strict.post(reverse("public:certificate_lookup"), {"number": "X"}).status_code == 403
    assert not Enrolment.objects.exists()


def test_applications_are_rate_limited_per_address(client, open_world, settings):
    settings.JIFU_PUBLIC_APPLY_PER_HOUR = 2
    data = {"name": "马文", "id_number": id_numbers()["马文"], "phone": "13812345678"}
    for _ in range(2):
        assert client.post(apply_url("A-JZ"), data).status_code == 302
    blocked = client.post(apply_url("A-JZ"), data)
    assert blocked.status_code == 429
    assert "报名提交过于频繁" in blocked.content.decode()
    assert id_numbers()["马文"] not in blocked.content.decode()
    # Another address is counted on its own.
    assert client.post(apply_url("A-JZ"), data, REMOTE_ADDR="10.1.2.3").status_code == 302


# --- certificate lookup ---------------------------------------------------------------


@pytest.fixture
def certificate(people):
    return services.issue_certificate(
        actor=people.user(Role.COUNTY_HRSS),
        person=Person.objects.get(name="马文"),
        kind="skill_level",
        number="GS2019-0001",
        occupation=Occupation.objects.get(code=HOUSEKEEPING),
        level=5,
        issuer="东乡族自治县职业技能鉴定所",
        issued_on=today(),
    )


def test_certificate_found_with_masked_holder(client, certificate):
    url = reverse("public:certificate_lookup")
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": " gs2019-0001 "})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="holder">马*<' in body
    assert "马文" not in body
    for shown in (
        "家政服务员",
        "五级/初级工",
        "职业技能等级证书",
        "东乡族自治县职业技能鉴定所",
        "GS2019-0001",
    ):
        assert shown in body
    assert certificate.person.id_number_masked not in body


def test_unknown_certificate(client, certificate):
    response = client.post(reverse("public:certificate_lookup"), {"number": "GS2019-9999"})
    assert "未找到该证书" in response.content.decode()


def test_certificate_lookup_is_a_post(client, certificate):
    # A number in the query string is not looked up: it would end up in access logs.
    body = client.get(
        reverse("public:certificate_lookup"), {"number": "GS2019-0001"}
    ).content.decode()
    assert "马*" not in body and "未找到该证书" not in body


def test_certificate_lookups_are_rate_limited(client, certificate, settings):
    settings.JIFU_CERTIFICATE_LOOKUPS_PER_HOUR = 3
    url = reverse("public:certificate_lookup")
    for _ in range(3):
        assert client.post(url, {"number": "GS2019-0001"}).status_code == 200
    blocked = client.post(url, {"number": "GS2019-0001"})
    assert blocked.status_code == 429
    assert "查询过于频繁" in blocked.content.decode() and "马*" not in blocked.content.decode()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("马文", "马*"), ("马", "马"), ("欧阳小明", "欧***"), ("努尔·买买提", "努*****"), ("", "")],
)
def test_mask_name(name, masked):
    assert public.mask_name(name) == masked
