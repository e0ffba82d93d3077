"""What a Vietnamese user reads is Vietnamese: no English or code words in the catalog's
Vietnamese texts, one name per status, and the register of an official letter."""

from __future__ import annotations

import re

from duties.rules import Category, label
from texts.messages import CATALOG

# Words a developer would write and a school head should never read.
CODE_WORDS = re.compile(
    r"(?<![\w/])(?:once|head|staff|office|admin|plan|unit|task|token|none|null|true|false|"
    r"status|done|blocked|in_progress|not_started|error|OFFICE_ADMINS|[a-z]+_[a-z_]+|"
    r"nhacviec [a-z]+|--[a-z-]+|\d{4}-(?:Q\d|H\d|W\d\d))(?![\w])"
)
# Commands typed after "/" are the bot's own Vietnamese words (/viec, /moi quan…).
COMMAND = re.compile(r"/[a-z_]+(?: [A-ZĐ_Ơ]+| quan| thutruong\|canbo\|vanphong| \[[^\]]*\])*")


def vietnamese_texts() -> dict[str, str]:
    return {key: texts["vi"] for key, texts in CATALOG.items() if "vi" in texts}


def test_no_english_or_code_words_reach_a_vietnamese_reader():
    leaks = {}
    for key, text in vietnamese_texts().items():
        plain = re.sub(r"<[^>]+>|\{[^}]+\}", " ", text)
        plain = COMMAND.sub(" ", plain)
        found = CODE_WORDS.findall(plain)
        if found:
            leaks[key] = found
    assert leaks == {}


def test_one_name_for_a_unit_that_has_not_reported():
    words = {label(Category.NOT_REPORTED), CATALOG["status.not_started"]["vi"]}
    assert words == {"Chưa báo cáo"}
    everything = " ".join(vietnamese_texts().values())
    assert "chưa trả lời" not in everything.lower()
    assert "Chưa thực hiện / chưa báo cáo" not in everything


def test_a_head_is_addressed_as_in_an_official_letter():
    everything = " ".join(vietnamese_texts().values())
    assert not re.search(r"\b[Bb]ạn\b", everything)
    assert CATALOG["link.ok"]["vi"].startswith("Kính chào đồng chí {name}.")
