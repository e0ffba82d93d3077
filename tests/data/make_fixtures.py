"""Regenerates the committed PDF fixtures (needs fpdf2 and a TTF font with Vietnamese letters).

.venv/bin/python tests/data/make_fixtures.py [/path/to/DejaVuSans.ttf]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.plan_fixtures import pdf_000, pdf_of_text

font = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
here = Path(__file__).parent
print(pdf_000(here / "plan_000.pdf", font))
seed = (here / "seeds" / "004_66d166af538caf9b.txt").read_text(encoding="utf-8")
print(pdf_of_text(here / "plan_004_text.pdf", seed, font))
