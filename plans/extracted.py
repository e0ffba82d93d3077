"""Repairs of what a PDF text extractor does to Vietnamese.

pdftotext sometimes places a space between a syllable's first consonants and the vowel that
carries its marks, where the PDF positioned the accented glyph on its own: "đẩy m ạnh",
"c ủa", "tr ường", "tham m ưu". No Vietnamese word is a bare consonant cluster, so such a
cluster before a marked vowel is joined back. A cluster after a number is left alone ("50.000
đ ăn trưa": a currency), and so is a single capital ("Phụ lục B ở …").
"""

from __future__ import annotations

import re

# The consonants a Vietnamese syllable may begin with (not "gi", "qu": they hold a vowel).
_INITIAL = r"(?:ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdđghklmnprstvx])"
_MARKED_VOWEL = "ạảãáàăắằẳẵặâấầẩẫậẹẻẽéèêếềểễệịỉĩíìọỏõóòôốồổỗộơớờởỡợụủũúùưứừửữựỵỷỹýỳ"
_SPLIT = re.compile(
    rf"(?<![\w.,])(?<!\d )((?:{_INITIAL}|(?:Ngh|Ng|Nh|Ch|Gh|Kh|Ph|Th|Tr))) (?=[{_MARKED_VOWEL}])"
)


def rejoin_split_syllables(text: str) -> str:
    """ "đẩy m ạnh công tác c ủa đơn vị" → "đẩy mạnh công tác của đơn vị"."""
    return _SPLIT.sub(r"\1", text)
