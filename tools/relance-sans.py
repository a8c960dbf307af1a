"""Derives the letters' face, Relance Sans, from Liberation Sans 2.1.5 (SIL OFL 1.1).

    python3 tools/relance-sans.py /usr/share/fonts/truetype/liberation2 letter-templates/fonts

Liberation Sans is copied from the Debian package fonts-liberation2 2.1.5-1; this script
removes its TrueType hinting (the glyph programs and the fpgm, prep, cvt, hdmx, VDMX and
LTSH tables), which only screen rasterisers at small sizes read, and which PDF readers
and printers ignore: the subsets embedded in every PDF are a fifth smaller and faster to
write. Outlines, metrics, kerning and layout tables are unchanged, so documents lay out
exactly as in Liberation Sans. As a Modified Version under the OFL, the font cannot keep
the Reserved Font Name "Liberation": its names become "Relance Sans"; the copyright and
licence records are kept. Needs fontTools (pip install fonttools).
"""

import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram

STYLES = ["Regular", "Italic", "Bold", "BoldItalic"]
KEPT_NAMES = {0, 7, 13, 14}  # copyright, trademark, licence and its URL


def derive(src: Path, dst: Path) -> None:
    font = TTFont(src, recalcTimestamp=False)
    for tag in ["fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH"]:
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if glyph.isComposite() or glyph.numberOfContours > 0:
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
    font["maxp"].maxSizeOfInstructions = 0
    for record in font["name"].names:
        if record.nameID in KEPT_NAMES:
            continue
        text = record.toUnicode()
        renamed = text.replace("Liberation Sans", "Relance Sans").replace(
            "LiberationSans", "RelanceSans"
        )
        if record.nameID == 5:
            renamed = text + "; Relance Sans: Liberation Sans without hinting"
        if renamed != text:
            record.string = renamed
    font.save(dst)


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    for style in STYLES:
        derive(src / f"LiberationSans-{style}.ttf", dst / f"RelanceSans-{style}.ttf")


if __name__ == "__main__":
    main()
