"""Personal data at rest: no ID number, phone or bank account in clear text; reveals are audited."""

from datetime import date

from django.db import connection

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.registry.models import Household, Person

from .factories import standard_rows


def _all_cells(table: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the ORM
        return "\n".join(str(cell) for row in cur.fetchall() for cell in row)


def test_database_holds_no_clear_text(people):
    raw = "".join(_all_cells(m._meta.db_table) for m in (Person, Household))
    raw += _all_cells(AuditEvent._meta.db_table)
    for row in standard_rows():
        for column in ("身份证号码", "联系电话", "银行账号"):
            value = row[column]
            if value:
                assert value not in raw, column
                # Not even the long middle part of it (what masking hides).
                if len(value) >= 16:
                    assert value[4:-4] not in raw, column


def test_masked_forms_are_shown(people):
    ma = Person.objects.get(name="马文")
    assert ma.id_number_masked.startswith("6229") and "*" * 10 in ma.id_number_masked
    assert ma.phone_masked == "138****5678"
    assert ma.bank_account_masked.startswith("622202") and ma.bank_account_masked.endswith("0123")


def test_county_office_reveals_and_it_is_audited(client, people):
    ma = Person.objects.get(name="马文")
    number = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "马文")
    user = people.user(Role.COUNTY_HRSS)
    client.force_login(user)
    page = client.get(f"/registry/persons/{ma.pk}/").content.decode()
    assert number not in page and ma.id_number_masked in page
    response = client.post(f"/registry/persons/{ma.pk}/reveal/id_number/")
    assert response.status_code == 200 and number in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(action="reveal", actor=user, object_id=str(ma.pk)).get()
    assert event.region_code == ma.village_code  # filed under the object's own scope
    assert number not in str(event.before) + str(event.after) + event.message


def test_township_may_not_reveal(client, people):
    ma = Person.objects.get(name="马文")
    client.force_login(people.user(Role.TOWNSHIP))
    assert client.post(f"/registry/persons/{ma.pk}/reveal/id_number/").status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_other_county_reveal_is_404(client, people):
    wang = Person.objects.get(name="王永")
    client.force_login(people.user(Role.COUNTY_HRSS))
    assert client.post(f"/registry/persons/{wang.pk}/reveal/phone/").status_code == 404


def test_status_history_answers_questions_about_the_past(people):
    from jifu.registry.importers import import_persons

    from .factories import VILLAGE_A, ledger, person

    rows = [
        person(
            VILLAGE_A,
            "622926100201000009",
            "杨脱",
            date(1979, 1, 1),
            61,
            status="已脱贫户",
            exit_year="2019",
        )
    ]
    import_persons(ledger(rows), filename="x.csv", today=date(2020, 3, 1))
    household = Household.objects.get(household_no="622926100201000009")
    assert household.status_on(date(2018, 6, 1)) == "registered"
    assert household.status_on(date(2020, 2, 1)) == "exited"
    # The household of 马文, imported registered on 2019-06-30, counts as registered
    # since registration began (2014), not since the import; it exits in 2020.
    h = Household.objects.get(household_no="622926100201000001")
    assert h.status_on(date(2018, 3, 1)) == "registered"
    assert h.status_on(date(2013, 12, 31)) is None
    rows = [r for r in standard_rows() if r["户编号"] == "622926100201000001"]
    for r in rows:
        r["贫困户属性"], r["脱贫年度"] = "已脱贫户", "2020"
    report = import_persons(ledger(rows), filename="y.csv", today=date(2021, 2, 1))
    assert report.updated == 3
    h = Household.objects.get(household_no="622926100201000001")
    assert h.status_on(date(2020, 6, 1)) == "registered"
    assert h.status_on(date(2021, 1, 15)) == "exited"
