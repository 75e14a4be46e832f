"""Small hand-made ledgers for registry tests (synthetic people only)."""

import csv
import io
from datetime import date

from jifu.core import idnumber
from jifu.core.testing import build_world
from jifu.registry.importers import TEMPLATE_HEADERS, import_persons

VILLAGE_A = ("东乡族自治县", "锁南镇", "测试一村")
VILLAGE_B = ("永登县", "城关镇", "测试二村")


def person(
    village,
    household_no,
    name,
    birth,
    seq,
    *,
    relation="户主",
    labour="普通劳动力",
    employment="未就业",
    training="是",
    occupations="家政服务员、电工",
    job="否",
    business="否",
    phone="13800000000",
    bank="6222021234567890123",
    status="建档立卡贫困户",
    exit_year="",
    county6=None,
    gender=None,
):
    county6 = county6 or ("622926" if village is VILLAGE_A else "620121")
    number = idnumber.make(county6, birth, seq)
    return dict(
        zip(
            TEMPLATE_HEADERS,
            [
                *village,
                household_no,
                "",
                name,
                number,
                gender or ("男" if seq % 2 else "女"),
                "汉族",
                relation,
                "初中",
                phone,
                status,
                exit_year,
                labour,
                employment,
                "",
                "",
                "",
                training,
                occupations,
                job,
                business,
                bank,
                "马帮扶",
            ],
            strict=True,
        )
    )


def ledger(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TEMPLATE_HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def standard_rows():
    """Two households in county A's 测试一村 and one in county B's 测试二村."""
    return [
        person(VILLAGE_A, "622926100201000001", "马文", date(1980, 5, 1), 11, phone="13812345678"),
        person(
            VILLAGE_A,
            "622926100201000001",
            "韩梅",
            date(1982, 3, 9),
            22,
            relation="配偶",
            training="否",
            occupations="",
            employment="已就业",
            phone="13912345678",
            bank="6222021234567890456",
        ),
        person(
            VILLAGE_A,
            "622926100201000001",
            "马小",
            date(2010, 1, 2),
            31,
            relation="子",
            labour="无劳动力",
            employment="",
            training="否",
            occupations="",
            phone="",
            bank="",
        ),
        person(
            VILLAGE_A,
            "622926100201000002",
            "妥德",
            date(1975, 7, 7),
            41,
            business="是",
            training="否",
            occupations="",
            phone="13700001111",
            bank="6228481234509876001",
        ),
        person(
            VILLAGE_B,
            "620121100201000001",
            "王永",
            date(1985, 1, 1),
            51,
            phone="13600002222",
            bank="6217003456789012342",
        ),
    ]


def build_people():
    world = build_world()
    import_persons(ledger(standard_rows()), filename="t.csv", today=date(2019, 6, 30))
    return world
