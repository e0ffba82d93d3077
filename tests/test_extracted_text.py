"""Plain text from a PDF extractor, mended where it splits Vietnamese syllables."""

from __future__ import annotations

from datetime import date

from plans.extracted import rejoin_split_syllables
from plans.reader import read_plan_bytes


def test_a_consonant_split_from_its_marked_vowel_is_joined_back():
    said = "Các trường đẩy m ạnh công tác c ủa đơn vị; Tr ường THPT tham m ưu với thành ph ố."
    assert rejoin_split_syllables(said) == (
        "Các trường đẩy mạnh công tác của đơn vị; Trường THPT tham mưu với thành phố."
    )


def test_what_only_looks_split_is_left_alone():
    for said in (
        "giá 100.000 đ ăn trưa",  # a currency after a number
        "Phụ lục B ở trang 2",  # a single capital: a label
        "anh ấy ở nhà",  # whole words
        "kế ho ạch",  # split after a vowel: "ho" is a word, so not joined
    ):
        assert rejoin_split_syllables(said) == said


def test_a_txt_plan_reads_its_split_words_whole():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH A\nSố: 12/KH-UBND\nA, ngày 05 tháng 01 năm 2026\n"
        "KẾ HOẠCH\nTăng cường công tác bảo vệ bí mật nhà nước\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Nội vụ tham m ưu cho UBND tỉnh ban hành quy chế trước ngày 31/3/2026.\n"
    )
    doc = read_plan_bytes(text.encode(), "kh12.txt", date(2026, 1, 5))
    (task,) = doc.tasks
    assert task.lead == ("Sở Nội vụ",) and task.title.startswith("Tham mưu cho UBND tỉnh")
