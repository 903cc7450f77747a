"""A notice has the same bytes on every machine, whichever font subsetter it has installed.

WeasyPrint subsets embedded fonts with the system library HarfBuzz-Subset where it exists and
with fontTools where it does not; the two give different bytes, and fontTools stamps the time
of the render into every subset. Notices therefore embed the shipped fonts whole (they are
cut down once, in the repository, by `grants.notices.fontsubset`). These tests run everywhere:
they take HarfBuzz-Subset away from a separate Python process the way a fresh machine lacks it
(the library cannot be opened) and compare that process's bytes with this one's."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from grants.notices import fontsubset
from grants.notices.render import FONT_DIR, render_notice_pdf, render_presentation_pdf

# Every render here is real (tests/conftest.py memoises renders elsewhere).
pytestmark = pytest.mark.real_render

SNAPSHOT = json.loads((Path(__file__).parent / "wmk_snapshot.json").read_text(encoding="utf-8"))
# The programme data of a complete notice, with a list nested in a clause (the exclusions):
# a browser's default marker for it, ◦, is in no shipped font and would pull in a system font.
SNAPSHOT["legal"] = {
    "basis": "§§ 23 und 44 LHO und die Verwaltungsvorschriften hierzu",
    "guideline": {"title": "Richtlinie „WIR – Vielfalt und Teilhabe“", "date": "2020-12-11",
                  "publication": "StAnz. 2021 S. 38"},
    "no_legal_claim": "Ein Rechtsanspruch auf die Zuwendung besteht nicht.",
    "budget_line": "Kapitel 08 02, Titel 633 51",
    "commitment_note": "", "unspent_funds": "Nicht abgerufene Beträge verfallen.", "plan_deviation_percent": "20.00",
    "caps": [{"category": "Personalausgaben", "fundable": True, "limit": "bis zu 60.000,00 € je Stelle und Jahr"}],
    "max_grant": "600000.00", "exclusions": ["Bewirtung", "Reisekosten ins Ausland"],
    "third_party_conditions": ["Weiterleitung nur mit schriftlichem Vertrag"], "conditions_version": None,
}
CEREMONY = {"date": "2021-10-29", "place": "Eschwege", "official_title": "Staatssekretärin",
            "official_name": "Anne Janz"}

# Runs in a fresh interpreter: without HarfBuzz-Subset (every attempt to open the library
# fails, as on a machine without libharfbuzz-subset0) or as the machine is; prints the
# SHA-256 of the notice, of the presentation copy and whether WeasyPrint found the library.
RENDER_SCRIPT = """
import hashlib, json, sys
if sys.argv[1] == "without":
    import cffi
    real_dlopen = cffi.FFI.dlopen
    def dlopen(self, name, *args, **kwargs):
        if name and "harfbuzz-subset" in str(name):
            raise OSError(f"{name}: cannot open shared object file (removed for the test)")
        return real_dlopen(self, name, *args, **kwargs)
    cffi.FFI.dlopen = dlopen
import django
django.setup()
from weasyprint.pdf import fonts
from grants.notices.render import render_notice_pdf, render_presentation_pdf
data = json.loads(sys.stdin.read())
notice = render_notice_pdf(data["snapshot"])
presentation = render_presentation_pdf([data["snapshot"]], data["ceremony"])
print(json.dumps({"subsetter": fonts.harfbuzz_subset is not None,
                  "notice": hashlib.sha256(notice).hexdigest(),
                  "presentation": hashlib.sha256(presentation).hexdigest()}))
"""


def render_elsewhere(harfbuzz_subset: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wirfunding.settings_test", "PYTHONHASHSEED": "1234"}
    result = subprocess.run([sys.executable, "-c", RENDER_SCRIPT, harfbuzz_subset],
                            input=json.dumps({"snapshot": SNAPSHOT, "ceremony": CEREMONY}).encode(),
                            capture_output=True, env=env, cwd=settings.BASE_DIR, check=True, timeout=180)
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def here() -> dict:
    return {"notice": sha256(render_notice_pdf(SNAPSHOT)),
            "presentation": sha256(render_presentation_pdf([SNAPSHOT], CEREMONY))}


def test_machines_with_and_without_harfbuzz_subset_render_the_same_bytes(here):
    without, as_is = render_elsewhere("without"), render_elsewhere("as-is")
    assert without["subsetter"] is False  # WeasyPrint really ran without the library
    for kind in ("notice", "presentation"):
        assert without[kind] == as_is[kind] == here[kind], kind


def embedded_font_programs(pdf: bytes) -> list[bytes]:
    programs = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"]).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            programs.append(descriptor["/FontFile2"].get_object().get_data())
    return programs


def test_the_notice_embeds_the_shipped_font_files_unchanged_and_no_other_font():
    """No subsetter touched them: each embedded program is one of the files in fonts/; every
    character is set in them, none in a font of the machine (which would differ between machines)."""
    shipped = {path.read_bytes() for path in FONT_DIR.glob("*.ttf")}
    programs = embedded_font_programs(render_notice_pdf(SNAPSHOT))
    assert len(set(programs)) >= 2  # regular and bold at least
    for program in programs:
        assert program in shipped


@pytest.mark.parametrize("name", sorted(path.name for path in fontsubset.SOURCE_DIR.glob("*.ttf")))
def test_the_shipped_font_keeps_every_latin_character_and_width_of_the_original(name):
    """Cutting the fonts down changes nothing that is printed: every character of the chosen
    ranges that the original has is still there, with the same advance width."""
    original, shipped = TTFont(fontsubset.SOURCE_DIR / name), TTFont(FONT_DIR / name)
    wanted = set(subset.parse_unicodes(fontsubset.UNICODES))
    original_map, shipped_map = original.getBestCmap(), shipped.getBestCmap()
    kept = {code for code in original_map if code in wanted}
    assert 0x20AC in kept and 0x201E in kept and 0xDF in kept  # € „ ß
    assert kept <= set(shipped_map)
    for code in kept:
        assert shipped["hmtx"][shipped_map[code]][0] == original["hmtx"][original_map[code]][0], hex(code)
    assert shipped["name"].getDebugName(1) == original["name"].getDebugName(1)
