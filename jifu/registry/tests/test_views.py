"""Registry pages: five lists, household file, ledgers, exports and the web import."""

import io
from datetime import date

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.models import ImportJob
from jifu.registry.models import Household, Person

from .factories import VILLAGE_A, ledger, person, standard_rows


def test_five_lists_count_by_sub_region(client, people):
    client.force_login(people.user(Role.COUNTY_HRSS))
    response = client.get("/registry/five-lists/", {"five_list": "wants_training"})
    assert response.status_code == 200
    counts = {row["region"].code: row for row in response.context["counts"]}
    suonan = counts["622926100000"]
    # 马文 wants training; 韩梅 is employed; 妥德 wants a business; 马小 is a child.
    assert (
        suonan["total"],
        suonan["employed"],
        suonan["wants_training"],
        suonan["wants_business"],
    ) == (3, 1, 1, 1)
    assert [r.record.name for r in response.context["table"].paginated_rows] == ["马文"]
    assert "王永" not in response.content.decode()


def test_person_search_by_name_initials_and_masked_id(client, people):
    client.force_login(people.user(Role.TOWNSHIP))
    names = lambda r: {row.record.name for row in r.context["table"].paginated_rows}  # noqa: E731
    assert names(client.get("/registry/persons/", {"q": "mw"})) == {"马文"}
    number = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "妥德")
    assert names(client.get("/registry/persons/", {"q": number})) == {"妥德"}
    assert names(client.get("/registry/persons/", {"q": number[-4:]})) >= {"妥德"}
    assert names(client.get("/registry/persons/", {"q": "测试一"})) == {
        "马文",
        "韩梅",
        "马小",
        "妥德",
    }
    # The ID number never appears in a URL the system builds or in the page.
    page = client.get("/registry/persons/").content.decode()
    assert number not in page


def test_household_file(client, people):
    household = Household.objects.get(household_no="622926100201000001")
    client.force_login(people.user(Role.VILLAGE))
    page = client.get(household.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert [m.name for m in page.context["members"]] == ["马文", "韩梅", "马小"]
    assert "尚未制定一户一策" in body
    response = client.post(
        f"/registry/households/{household.pk}/plan/",
        {
            "measures": "妻子参加家政培训",
            "responsible_cadre": "马帮扶",
            "next_review": "2019-09-01",
        },
    )
    assert response.status_code == 302
    assert "妻子参加家政培训" in client.get(household.get_absolute_url()).content.decode()


def test_ledger_export_is_masked_and_audited(client, people):
    user = people.user(Role.TOWNSHIP)
    client.force_login(user)
    response = client.get("/registry/ledger/", {"export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert "锁南镇" in sheet["A1"].value and "台账" in sheet["A1"].value
    header = [c.value for c in sheet[3]]
    assert header[6] == "姓名" and header[7] == "身份证号码"
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4) if isinstance(r[0].value, int)]
    # Labour force of 锁南镇: 马文, 韩梅, 妥德 (the child 马小 is not in the ledger).
    assert sorted(r[6] for r in rows) == ["妥德", "韩梅", "马文"]
    assert all("**********" in r[7] for r in rows)
    totals = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "合计")
    assert totals[6] == "3 人" and totals[16] == "已就业 1"
    assert AuditEvent.objects.filter(action="export", actor=user, message="脱敏导出").exists()
    assert client.get("/registry/ledger/", {"export": "xlsx", "full": "1"}).status_code == 403


def test_full_export_for_county_office(client, people):
    user = people.user(Role.COUNTY_HRSS)
    client.force_login(user)
    response = client.get("/registry/persons/", {"export": "csv", "full": "1"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    number = next(r["身份证号码"] for r in standard_rows() if r["姓名"] == "马文")
    assert number in body and "王永" not in body
    assert AuditEvent.objects.filter(action="export", actor=user, message="明文导出").exists()


def test_web_import_runs_as_a_task_with_a_report(
    client, people, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user = people.user(Role.COUNTY_HRSS)
    client.force_login(user)
    rows = [
        person(VILLAGE_A, "622926100201000077", "新人", date(1992, 2, 2), 71),
        {
            **person(VILLAGE_A, "622926100201000078", "坏人", date(1993, 3, 3), 81),
            "身份证号码": "123",
        },
    ]
    upload = SimpleUploadedFile("台账.csv", ledger(rows), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post("/registry/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert with_commit["Location"] == f"/registry/import/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.report["created"] == 1 and job.report["rejected"] == 1
    assert job.stored_path == "" and not list((settings.VAR_DIR / "imports").iterdir())
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert "下载错误清单" in page
    errors = client.get(f"/registry/import/{job.pk}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    assert [c.value for c in sheet[2]][:2] == [3, "身份证号码"]
    assert Person.objects.filter(name="新人").exists()
    # Another county's office cannot see the job.
    client.force_login(people.user(Role.COUNTY_HRSS, "b"))
    assert client.get(f"/registry/import/{job.pk}/").status_code == 404


def test_template_download_has_the_headers_in_order(client, people):
    from jifu.registry.importers import TEMPLATE_HEADERS

    client.force_login(people.user(Role.COUNTY_HRSS))
    response = client.get("/registry/import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADERS


def test_township_cannot_import(client, people):
    client.force_login(people.user(Role.TOWNSHIP))
    assert client.get("/registry/import/").status_code == 403
