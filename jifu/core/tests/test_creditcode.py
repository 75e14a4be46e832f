import pytest

from jifu.core.creditcode import CreditCodeError, check_character, make, normalize


def test_published_example_validates():
    # A code printed on public registration notices, used in GB 32100 explanations.
    assert check_character("91350100M000100Y4") == "3"
    assert normalize(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_make_then_validate():
    code = make("9162292600000001X")
    assert normalize(code) == code


@pytest.mark.parametrize(
    "raw",
    ["91350100M000100Y44", "91350100M000100Y4", "91350100M000100I43", "9135O100M000100Y43", ""],
)
def test_bad_codes_are_refused(raw):
    with pytest.raises(CreditCodeError):
        normalize(raw)
