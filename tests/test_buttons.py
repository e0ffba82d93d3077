"""One declaration per kind of button: its data, its parse and its handler's pattern agree,
and a button the bot no longer reads (an old message's, a forged one) is answered clearly."""

from __future__ import annotations

import re

import pytest

from tests.test_conversations import (
    world,  # noqa: F401  (the fixture)
)
from texts import buttons
from texts.buttons import ALL, STATUS, TICK, Button

BIG = 999_999_999_999  # twelve digits: any id the database will hand out for years


def example(button: Button) -> tuple[int | str, ...]:
    return tuple(BIG if kind == "id" else (button.codes or "x")[-1] for kind in button.fields)


@pytest.mark.parametrize("button", ALL, ids=lambda b: b.tag)
def test_each_button_reads_back_what_it_wrote_within_telegrams_64_bytes(button):
    values = example(button)
    data = button.data(*values)
    assert len(data.encode()) <= 64
    assert button.parse(data) == values
    assert re.match(button.pattern, data)
    assert buttons.read(data) == (button, values)


def test_no_two_buttons_claim_the_same_data():
    for button in ALL:
        data = button.data(*example(button))
        takers = [other.tag for other in ALL if re.match(other.pattern, data)]
        assert takers == [button.tag]


def test_data_that_no_button_of_this_version_wrote_is_read_as_nothing():
    assert STATUS.parse("s:12:34:z") is None  # a code no status has
    assert STATUS.parse("s:12:34") is None
    assert TICK.parse("k:1:2:x") is None
    assert buttons.read("v0.s:1:2:d") is None
    assert buttons.read("") is None
    with pytest.raises(TypeError):
        STATUS.data(1, 2)
