"""Tests for jifu.core.idnumber. All numbers are synthetic (built with make())."""

import pickle
from datetime import date

import pytest

from jifu.core.idnumber import (
    IdInfo,
    IdNumberError,
    check_digit,
    make,
    mask,
    normalize,
    parse,
)

TODAY = date(2024, 6, 1)
# Dongxiang county, born 1990-01-01, sequence 123 (odd: male).
DX = "62292619900101123X"
# Chengguan district, born 1990-01-01, sequence 123.
CG = "620102199001011233"


def _code(raw, today=TODAY) -> str:
    with pytest.raises(IdNumberError) as exc:
        normalize(raw, today=today)
    return exc.value.code


# --- check digit -----------------------------------------------------------


def test_check_digit_hand_computed_x():
    # 6*7 + 2*9 + 2*10 + 9*5 + 2*8 + 6*4 + 1*2 + 9*1 + 9*6 + 0*3
    # + 0*7 + 1*9 + 0*10 + 1*5 + 1*8 + 2*4 + 3*2 = 266; 266 % 11 = 2 -> "X"
    total = 42 + 18 + 20 + 45 + 16 + 24 + 2 + 9 + 54 + 0 + 0 + 9 + 0 + 5 + 8 + 8 + 6
    assert total == 266 and total % 11 == 2
    assert check_digit("62292619900101123") == "X"


def test_check_digit_hand_computed_digit():
    # 6*7 + 2*9 + 0 + 1*5 + 0 + 2*4 + 1*2 + 9*1 + 9*6 + 0 + 0 + 1*9 + 0
    # + 1*5 + 1*8 + 2*4 + 3*2 = 174; 174 % 11 = 9 -> "3"
    assert (42 + 18 + 5 + 8 + 2 + 9 + 54 + 9 + 5 + 8 + 8 + 6) % 11 == 9
    assert check_digit("62010219900101123") == "3"


def test_check_digit_examples_from_standard():
    # The worked examples printed in GB 11643-1999.
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


@pytest.mark.parametrize("bad", ["", "1234", "6201021990010112a", "620102199001011234"])
def test_check_digit_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        check_digit(bad)


# --- make ------------------------------------------------------------------


def test_make_matches_hand_computed():
    assert make("622926", date(1990, 1, 1), 123) == DX
    assert make("620102", date(1990, 1, 1), 123) == CG


def test_make_pads_sequence_and_validates():
    number = make("621126", date(2001, 2, 3), 4)
    assert number[:17] == "62112620010203004"
    assert normalize(number, today=TODAY) == number


@pytest.mark.parametrize("seq", range(0, 1000, 37))
def test_make_always_valid_and_gender_follows_parity(seq):
    info = parse(make("623025", date(1975, 12, 31), seq), today=TODAY)
    assert info.gender == ("M" if seq % 2 else "F")
    assert info.birth_date == date(1975, 12, 31)
    assert info.region_code == "623025"


@pytest.mark.parametrize(
    ("region", "seq"), [("62292", 1), ("62292a", 1), ("622926", -1), ("622926", 1000)]
)
def test_make_rejects_bad_arguments(region, seq):
    with pytest.raises(ValueError):
        make(region, date(1990, 1, 1), seq)


def test_make_rejects_pre_1900():
    with pytest.raises(ValueError):
        make("622926", date(1899, 12, 31), 1)


# --- normalize: accepted inputs --------------------------------------------


def test_normalize_valid_passthrough():
    assert normalize(DX, today=TODAY) == DX
    assert normalize(CG, today=TODAY) == CG


def test_normalize_lowercase_x():
    assert normalize(DX.lower(), today=TODAY) == DX


def test_normalize_full_width_and_spaces():
    full_width = DX.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    raw = f"\u3000{full_width[:6]} {full_width[6:14]}\u00a0{full_width[14:]}\t"
    assert normalize(raw, today=TODAY) == DX


def test_normalize_invisible_characters_and_apostrophe():
    assert normalize("\ufeff'" + CG + "\u200b", today=TODAY) == CG


def test_normalize_python_int():
    assert normalize(int(CG), today=TODAY) == CG


def test_normalize_15_digit_legacy():
    # 620102 900101 123 -> 620102 19900101 123 + check digit
    assert normalize("620102900101123", today=TODAY) == CG
    assert normalize(620102900101123, today=TODAY) == CG


def test_normalize_legacy_with_bad_date():
    assert _code("620102900230123") == "birth_date"


# --- normalize: rejected inputs --------------------------------------------


def test_bad_checksum():
    assert _code(CG[:17] + "4") == "checksum"
    assert _code(DX[:17] + "0") == "checksum"


def test_single_digit_typo_is_caught():
    typo = CG[:3] + "9" + CG[4:]
    assert _code(typo) == "checksum"


def test_impossible_date_feb_30():
    first17 = "62010219900230123"
    assert _code(first17 + check_digit(first17)) == "birth_date"


def test_month_13():
    first17 = "62010219901301123"
    assert _code(first17 + check_digit(first17)) == "birth_date"


def test_future_birth_date():
    future = make("620102", date(2024, 6, 2), 11)
    assert _code(future) == "birth_date"
    # Born on the reference day itself is fine.
    assert normalize(make("620102", date(2024, 6, 1), 11), today=TODAY)


def test_birth_year_before_1900():
    first17 = "62010218991231123"
    assert _code(first17 + check_digit(first17)) == "birth_date"


def test_float_input():
    assert _code(6.20102199001011e17) == "numeric_lost_digits"
    assert _code(float(int(CG))) == "numeric_lost_digits"


@pytest.mark.parametrize(
    "raw",
    ["6.20102199001011e+17", "6.20102199001011E+17", " ６.２０１０２１９９００１０１１Ｅ＋１７ "],
)
def test_scientific_notation_string(raw):
    assert _code(raw) == "numeric_lost_digits"


def test_decimal_rendering_of_float():
    assert _code("620102199001011000.0") == "numeric_lost_digits"


def test_trailing_zeros_from_excel():
    # Excel keeps 15 significant digits, so the last three become zeros.
    assert _code(CG[:15] + "000") == "numeric_lost_digits"
    assert _code(int(CG[:15] + "000")) == "numeric_lost_digits"


def test_trailing_zeros_with_valid_check_digit_is_accepted():
    # Sequence 000 whose check digit happens to be 0 is a legitimate number.
    for day in range(1, 29):
        number = make("620102", date(1990, 1, day), 0)
        if number.endswith("0"):
            assert normalize(number, today=TODAY) == number
            break
    else:
        pytest.fail("no sample with check digit 0")


@pytest.mark.parametrize("raw", ["62010219900101123", "6201021990010112331", "1234", "62"])
def test_wrong_length(raw):
    assert _code(raw) == "length"


def test_wrong_length_message_is_bilingual():
    with pytest.raises(IdNumberError) as exc:
        normalize("1234", today=TODAY)
    err = exc.value
    assert "18" in err.message_zh and "4" in err.message_zh
    assert "18" in err.message_en
    assert str(err) == f"{err.message_zh} / {err.message_en}"


@pytest.mark.parametrize("raw", ["62010219900101123Y", "6201021990X101123X", "62010A900101123"])
def test_bad_characters(raw):
    assert _code(raw) == "format"


def test_unknown_province():
    first17 = "99010219900101123"
    assert _code(first17 + check_digit(first17)) == "region"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty(raw):
    assert _code(raw) == "empty"


@pytest.mark.parametrize("raw", [True, b"620102199001011233", [CG]])
def test_wrong_type(raw):
    assert _code(raw) == "type"


def test_negative_int():
    assert _code(-int(CG)) == "format"


def test_error_is_value_error_and_picklable():
    with pytest.raises(ValueError):
        normalize("x", today=TODAY)
    err = IdNumberError("checksum", "校验位错误", "bad check digit")
    copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message_zh, copy.message_en) == (
        "checksum",
        "校验位错误",
        "bad check digit",
    )
    assert str(copy) == "校验位错误 / bad check digit"


def test_default_today_is_real_today():
    # Without a reference date the real calendar is used.
    number = make("620102", date(1990, 1, 1), 1)
    assert normalize(number) == number
    assert _code(make("620102", date(9999, 1, 1), 1), today=None) == "birth_date"


# --- parse / mask ----------------------------------------------------------


def test_parse_derives_fields():
    info = parse(" " + DX.lower(), today=TODAY)
    assert info == IdInfo(DX, "622926", date(1990, 1, 1), "M")
    assert info.age_on(date(2018, 12, 31)) == 28
    assert info.age_on(date(2019, 1, 1)) == 29


def test_parse_female():
    info = parse(make("623001", date(2000, 2, 29), 42), today=TODAY)
    assert info.gender == "F"
    assert info.birth_date == date(2000, 2, 29)


def test_parse_is_frozen():
    info = parse(CG, today=TODAY)
    with pytest.raises(AttributeError):
        info.number = "x"  # type: ignore[misc]


def test_mask():
    assert mask(CG) == "6201**********1233"
    assert mask(DX) == "6229**********123X"
    assert mask("1234") == "****"
