"""Builds the notice fonts in `fonts/` from the Open Sans originals in `fonts/source/`.

Notices embed their fonts whole (`full_fonts=True` in `render._write_pdf`): WeasyPrint then
subsets nothing at render time, so the bytes of a notice no longer depend on which subsetter
the server has (HarfBuzz-Subset or, without that system library, fontTools, whose output
carries the time of the render). To keep the PDFs small, the shipped files are cut down once,
here, to the Latin script and the typographic signs a German notice prints, without hinting
(PDF viewers do not use TrueType hinting at print resolution). Glyph outlines, advance widths
and the layout tables stay as they are, so the text sets exactly as with the originals.

Run after changing `UNICODES` or the originals, and commit the result:

    .venv/bin/python -m grants.notices.fontsubset
"""

from pathlib import Path

from fontTools import subset

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SOURCE_DIR = FONT_DIR / "source"
# Basic Latin, Latin-1, Latin Extended-A/B (Polish, Czech, Turkish, Romanian ș ț, …), IPA ə,
# spacing and combining accents, Latin Extended Additional (incl. ẞ), general punctuation
# („“ – … ‰), currency (€), letterlike symbols (№ ™), arrows, mathematical operators,
# ligatures and the replacement character. Greek and Cyrillic are left out: Pango would set
# such a character in a system font, as it does for any character Open Sans lacks.
UNICODES = ("U+0000-024F,U+0259,U+02B0-02FF,U+0300-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,"
            "U+2100-214F,U+2190-21FF,U+2200-22FF,U+25CA,U+FB00-FB04,U+FEFF,U+FFFD")


def subset_options() -> subset.Options:
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.recalc_timestamp = False  # the originals' date, so a rebuild gives the same bytes
    return options


def subset_font(source: Path, target: Path) -> None:
    font = subset.load_font(str(source), subset_options())
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    subset.save_font(font, str(target), subset_options())


def main() -> None:
    for source in sorted(SOURCE_DIR.glob("*.ttf")):
        target = FONT_DIR / source.name
        subset_font(source, target)
        print(f"{target.relative_to(FONT_DIR.parent)}: {source.stat().st_size} → {target.stat().st_size} Bytes")


if __name__ == "__main__":
    main()
