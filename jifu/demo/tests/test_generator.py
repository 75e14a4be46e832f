"""Tests for the synthetic Gansu population generator (no database needed)."""

import csv
import random
import re
from collections import Counter, defaultdict
from importlib import resources

import pytest

from jifu.core.idnumber import parse
from jifu.demo.ethnicity import ethnic_weights
from jifu.demo.generator import (
    AS_OF,
    OCCUPATIONS,
    deep_poverty_counties,
    generate,
    iter_households,
    plan_villages,
)
from jifu.demo.names import HAN_SURNAMES, MUSLIM_SURNAMES, NON_GBK_CHARS, person_name

GANNAN = ["623001", "623021", "623022", "623023", "623024", "623025", "623026", "623027"]
LINXIA = ["622901", "622921", "622922", "622923", "622924", "622925", "622926", "622927"]
PHONE = re.compile(r"^1[3-9]\d{9}$")
CHILD_RELATIONS = {"子", "女"}
GRANDCHILD_RELATIONS = {"孙子", "孙女"}


def _age(person) -> int:
    # AS_OF is 31 December, so the age is the difference in years.
    return AS_OF.year - person.birth_date.year


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _townships() -> dict[str, str]:
    path = resources.files("jifu.regions") / "data" / "gansu_townships_2018.csv"
    with path.open(encoding="utf-8") as fh:
        return {r["code"]: r["county_code"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def data():
    return generate(4000, seed=11)


@pytest.fixture(scope="module")
def linxia_gannan():
    return generate(4000, counties=LINXIA + GANNAN, seed=5)


# --- determinism ---------------------------------------------------------------


def test_same_seed_same_data(data):
    assert generate(4000, seed=11) == data


def test_different_seed_different_data(data):
    other = generate(4000, seed=12)
    assert [p.id_number for p in other.persons] != [p.id_number for p in data.persons]


def test_counties_change_data():
    a = generate(300, counties=["622926"], seed=1)
    b = generate(300, counties=["622927"], seed=1)
    assert {v.county_code6 for v in a.villages} == {"622926"}
    assert {v.county_code6 for v in b.villages} == {"622927"}


def test_iter_households_equals_generate(data):
    assert list(iter_households(4000, seed=11)) == data.households


def test_iter_households_is_lazy():
    stream = iter_households(10**9, counties=["622926"], seed=3)
    first = next(stream)
    assert first.members and first.village_code12.startswith("622926")


def test_plan_villages_equals_generate(data):
    assert plan_villages(4000, seed=11) == data.villages


# --- counts and structure ----------------------------------------------------------


@pytest.mark.parametrize("persons", [0, 1, 2, 9, 37, 1234])
def test_exact_person_count(persons):
    result = generate(persons, seed=persons)
    assert sum(1 for _ in result.persons) == persons
    assert all(h.members for h in result.households)


def test_exact_person_count_single_county():
    result = generate(2501, counties=["621126"], seed=4)
    assert sum(len(h.members) for h in result.households) == 2501


def test_default_counties_are_the_35_deep_poverty_counties(data):
    deep = deep_poverty_counties()
    assert len(deep) == 35 == len(set(deep))
    assert {"622926", "623025", "620525", "621126"} <= set(deep)
    assert {v.county_code6 for v in data.villages} <= set(deep)


def test_unknown_county_rejected():
    with pytest.raises(ValueError):
        generate(10, counties=["629999"])
    with pytest.raises(ValueError):
        generate(10, counties=["620000"])  # the province itself


def test_negative_persons_rejected():
    with pytest.raises(ValueError):
        generate(-1)


def test_villages_under_real_townships(linxia_gannan):
    townships = _townships()
    chosen = set(LINXIA + GANNAN)
    villages = linxia_gannan.villages
    assert len({v.code12 for v in villages}) == len(villages)
    by_township = defaultdict(list)
    for v in villages:
        assert re.fullmatch(r"\d{12}", v.code12)
        assert v.code12[:9] == v.township_code9
        assert townships[v.township_code9] == v.county_code6
        assert v.county_code6 in chosen
        assert 201 <= int(v.code12[9:]) <= 220
        assert v.name.endswith("村")
        by_township[v.township_code9].append(v)
    for members in by_township.values():
        assert 4 <= len(members) <= 20
        assert len({v.name for v in members}) == len(members)
        # Serials are consecutive from 201.
        assert sorted(int(v.code12[9:]) for v in members) == list(range(201, 201 + len(members)))


def test_every_village_has_households(data):
    used = {h.village_code12 for h in data.households}
    assert used == {v.code12 for v in data.villages}


def test_villages_spread_over_counties(data):
    assert len({v.county_code6 for v in data.villages}) == 35


def test_household_numbers(data):
    numbers = [h.household_no for h in data.households]
    assert len(set(numbers)) == len(numbers)
    for h in data.households:
        assert re.fullmatch(r"\d{18,20}", h.household_no)
        assert h.household_no.startswith(h.village_code12)


def test_household_status_and_exit_year(data):
    statuses = Counter(h.poverty_status for h in data.households)
    assert set(statuses) <= {"建档立卡贫困户", "已脱贫户", "边缘易致贫户", "一般农户"}
    main = statuses["建档立卡贫困户"] + statuses["已脱贫户"]
    assert main / len(data.households) > 0.8
    for h in data.households:
        if h.poverty_status == "已脱贫户":
            assert 2014 <= h.exit_year <= 2020
        else:
            assert h.exit_year is None
        assert h.address.startswith("甘肃") is False  # prefecture first, like the ledgers
        assert h.address


def test_household_size_distribution(data):
    sizes = [len(h.members) for h in data.households]
    assert 3.5 <= sum(sizes) / len(sizes) <= 5.5
    assert min(sizes) >= 1 and max(sizes) <= 9
    assert len(set(sizes)) >= 7


# --- persons ---------------------------------------------------------------------------


def test_ids_valid_and_consistent(data):
    for p in data.persons:
        info = parse(p.id_number, today=AS_OF)
        assert info.number == p.id_number
        assert info.birth_date == p.birth_date
        assert info.gender == p.gender
        assert info.region_code.startswith("62")


def test_ids_unique(data):
    ids = [p.id_number for p in data.persons]
    assert len(set(ids)) == len(ids)


def test_ids_mostly_carry_the_county_code(data):
    village_county = {v.code12: v.county_code6 for v in data.villages}
    same = total = 0
    for h in data.households:
        for p in h.members:
            total += 1
            same += p.id_number[:6] == village_county[h.village_code12]
    assert 0.93 <= same / total < 1.0


def test_one_head_per_household_listed_first(data):
    for h in data.households:
        heads = [m for m in h.members if m.relation_to_head == "户主"]
        assert heads == [h.members[0]] == [h.head]


def test_relations_consistent_with_ages_and_genders(data):
    allowed = {"户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "儿媳", "其他"}
    for h in data.households:
        head = h.head
        head_age = _age(head)
        for m in h.members:
            rel, age = m.relation_to_head, _age(m)
            assert rel in allowed
            assert 0 <= age <= 100
            if rel == "配偶":
                assert abs(age - head_age) <= 5
                assert m.gender != head.gender
            elif rel in CHILD_RELATIONS:
                assert 20 <= head_age - age <= 40
                assert m.gender == ("M" if rel == "子" else "F")
            elif rel in ("父亲", "母亲"):
                assert 20 <= age - head_age <= 35
                assert m.gender == ("M" if rel == "父亲" else "F")
            elif rel in GRANDCHILD_RELATIONS:
                assert head_age - age >= 40
                assert m.gender == ("M" if rel == "孙子" else "F")
            elif rel == "儿媳":
                assert m.gender == "F" and age >= 18
        if any(m.relation_to_head in GRANDCHILD_RELATIONS for m in h.members):
            assert any(m.relation_to_head == "子" for m in h.members)


def test_children_share_fathers_surname(data):
    checked = 0
    for h in data.households:
        head = h.head
        if head.gender != "M" or head.ethnicity != "汉族" or head.name[:2] == "令狐":
            continue
        for m in h.members:
            if m.relation_to_head in CHILD_RELATIONS | GRANDCHILD_RELATIONS | {"父亲"}:
                assert m.name[0] == head.name[0]
                checked += 1
    assert checked > 100


def test_education_fits_age(data):
    levels = {"", "文盲或半文盲", "小学", "初中", "高中", "中专", "大专及以上"}
    for p in data.persons:
        age = _age(p)
        assert p.education in levels
        if age < 6:
            assert p.education == ""
        elif age <= 11:
            assert p.education == "小学"
        elif age <= 14:
            assert p.education == "初中"
        else:
            assert p.education != ""


def test_labour_fields_only_for_labour_force(data):
    abilities = {"普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"}
    for p in data.persons:
        age = _age(p)
        assert p.labour_ability in abilities
        labourer = p.employment_status in ("已就业", "未就业")
        if labourer:
            assert 16 <= age <= 60
            assert p.labour_ability in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")
        else:
            assert p.employment_status in ("", "无法就业")
            assert not (p.wants_training or p.wants_job or p.wants_business)
            assert p.wanted_occupations == []
        if age < 16:
            assert p.labour_ability == "无劳动力" and p.employment_status == ""
        if p.employment_status == "已就业":
            assert p.employment_place in ("县内", "省内县外", "省外")
            assert p.employer and p.monthly_income > 0
        else:
            assert (p.employment_place, p.employer, p.monthly_income) == ("", "", 0)
        assert set(p.wanted_occupations) <= set(OCCUPATIONS)
        assert len(set(p.wanted_occupations)) == len(p.wanted_occupations)


def test_labour_shares_realistic():
    result = generate(12000, seed=2)
    labour = [p for p in result.persons if p.employment_status in ("已就业", "未就业")]
    n = len(labour)
    assert n > 4000
    employed = [p for p in labour if p.employment_status == "已就业"]
    assert 0.38 <= len(employed) / n <= 0.52
    assert 0.35 <= sum(p.wants_training for p in labour) / n <= 0.45
    assert 0.25 <= sum(p.wants_job for p in labour) / n <= 0.35
    assert 0.05 <= sum(p.wants_business for p in labour) / n <= 0.11
    places = Counter(p.employment_place for p in employed)
    for place, share in (("县内", 0.35), ("省内县外", 0.30), ("省外", 0.35)):
        assert abs(places[place] / len(employed) - share) < 0.05


def test_phones(data):
    owner: dict[str, str] = {}
    per_household = Counter()
    for h in data.households:
        seen_here = set()
        for p in h.members:
            if _age(p) < 16:
                assert p.phone == ""
            if not p.phone:
                continue
            assert PHONE.match(p.phone)
            assert owner.setdefault(p.phone, h.household_no) == h.household_no
            if p.phone in seen_here:
                per_household[h.household_no] += 1
            seen_here.add(p.phone)
    # Sharing within a household happens, but rarely.
    assert 0 < len(per_household) < 0.1 * len(data.households)
    assert all(count == 1 for count in per_household.values())


def test_bank_accounts(data):
    owner: dict[str, str] = {}
    adults = with_account = 0
    for h in data.households:
        for p in h.members:
            if _age(p) < 18:
                assert p.bank_account == ""
                continue
            adults += 1
            if not p.bank_account:
                continue
            with_account += 1
            assert re.fullmatch(r"622\d{13,16}", p.bank_account)
            assert _luhn_ok(p.bank_account)
            assert owner.setdefault(p.bank_account, h.household_no) == h.household_no
    assert len(owner) == with_account  # one card per person
    assert with_account / adults > 0.8


def test_helping_cadre_shared_within_household(data):
    for h in data.households:
        cadres = {m.helping_cadre for m in h.members}
        assert len(cadres) == 1 and next(iter(cadres))


# --- ethnicity and names -------------------------------------------------------------


def test_dongxiang_mostly_dongxiang():
    result = generate(3000, counties=["622926"], seed=8)
    counts = Counter(p.ethnicity for p in result.persons)
    assert counts["东乡族"] / 3000 > 0.75
    assert set(counts) <= {"东乡族", "汉族", "回族"}


def test_linxia_has_many_hui(linxia_gannan):
    linxia = {v.code12 for v in linxia_gannan.villages if v.county_code6[:4] == "6229"}
    people = [m for h in linxia_gannan.households if h.village_code12 in linxia for m in h.members]
    counts = Counter(p.ethnicity for p in people)
    assert counts["回族"] / len(people) > 0.25
    assert {"东乡族", "汉族"} <= set(counts)
    # Jishishan adds Bao'an and/or Salar families (small groups, so either may be absent).
    assert {"保安族", "撒拉族"} & set(counts)


def test_gannan_mostly_tibetan_without_surnames(linxia_gannan):
    gannan = {v.code12 for v in linxia_gannan.villages if v.county_code6[:4] == "6230"}
    people = [m for h in linxia_gannan.households if h.village_code12 in gannan for m in h.members]
    tibetans = [p for p in people if p.ethnicity == "藏族"]
    assert len(tibetans) / len(people) > 0.5
    surname_chars = set(HAN_SURNAMES) | {s for t in MUSLIM_SURNAMES.values() for s in t}
    for p in tibetans:
        assert p.name[0] not in surname_chars, p.name
        assert "·" not in p.name


def test_pastoral_counties_very_tibetan():
    result = generate(3000, counties=["623025", "623026", "623027"], seed=9)
    counts = Counter(p.ethnicity for p in result.persons)
    assert counts["藏族"] / 3000 > 0.75


def test_muslim_surnames_dominated_by_ma(linxia_gannan):
    names = [p.name for p in linxia_gannan.persons if p.ethnicity in ("回族", "东乡族")]
    assert Counter(n[0] for n in names)["马"] / len(names) > 0.3


def test_kazakh_names_use_middle_dot():
    result = generate(800, counties=["620924"], seed=1)
    kazakh = [p.name for p in result.persons if p.ethnicity == "哈萨克族"]
    assert kazakh
    assert sum("·" in n for n in kazakh) / len(kazakh) > 0.6


def test_ethnic_weights_most_specific_prefix_wins():
    assert ethnic_weights("622926")[0][0] == "东乡族"
    assert dict(ethnic_weights("622921"))["回族"] < dict(ethnic_weights("622922"))["回族"]
    assert dict(ethnic_weights("620525"))["回族"] == pytest.approx(0.69)
    assert ethnic_weights("621126") == ethnic_weights("620102")  # provincial default
    assert dict(ethnic_weights("620102"))["汉族"] > 0.95
    for code in ("622926", "623025", "620721", "620924", "620923", "620623", "110101"):
        assert sum(w for _, w in ethnic_weights(code)) == pytest.approx(1.0)
    assert "裕固族" in dict(ethnic_weights("620721"))
    assert "蒙古族" in dict(ethnic_weights("620923"))
    assert "土族" in dict(ethnic_weights("620623"))


def test_person_name_deterministic_and_sometimes_outside_gbk():
    def names(seed):
        rng = random.Random(seed)
        return [person_name(rng, "汉族", "MF"[i % 2]) for i in range(20000)]

    first = names(1)
    assert first == names(1)
    outside = []
    for name in first:
        try:
            name.encode("gbk")
        except UnicodeEncodeError:
            outside.append(name)
    assert 1 <= len(outside) <= 40
    assert all(any(c in name for c in NON_GBK_CHARS) for name in outside)


def test_person_name_shapes():
    rng = random.Random(3)
    for _ in range(500):
        han = person_name(rng, "汉族", "M", birth_year=1960)
        assert 2 <= len(han) <= 4
        assert person_name(rng, "回族", "F", surname="马").startswith("马")
        tibetan = person_name(rng, "藏族", "F", surname="王")  # surname ignored
        assert not tibetan.startswith("王")
        assert 2 <= len(tibetan) <= 6
