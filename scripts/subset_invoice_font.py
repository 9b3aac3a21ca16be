"""Build the invoice font: Noto Sans CJK SC Regular cut down to the characters GBK can encode.

Chinese tax invoices are issued by systems that work in GBK, so a buyer's or seller's name, an
address or a remark never holds a character outside it: covering GBK covers every invoice while
keeping the file a fraction of the full font. The renderer (fpdf2) subsets this file again for
each PDF, so a document carries only the glyphs it draws.

The outlines are converted from CFF to TrueType: fpdf2 embeds a CID-keyed CFF font with a custom
encoding CMap that some PDF readers (pypdf among them) cannot map back to text, while a TrueType
font is embedded with the standard Identity-H encoding, which every reader understands.

Usage (Debian's fonts-noto-cjk installed):

    python scripts/subset_invoice_font.py [--source PATH_TO_NotoSansCJK-Regular.ttc] [--output PATH]
"""

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src/invoice_graph/documents/fonts/NotoSansSC-GBK.ttf"
FAMILY = "Noto Sans CJK SC"

# Beyond GBK: the yen sign the layout writes amounts with (GBK has only the full-width one), the
# euro sign and the en dash.
EXTRA = "\u00a5\u20ac\u2013"


def gbk_characters() -> set[str]:
    """Every character GBK encodes in two bytes (lead 0x81-0xFE, trail 0x40-0xFE but 0x7F)."""
    found: set[str] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                found.add(bytes((lead, trail)).decode("gbk"))
            except UnicodeDecodeError:
                continue  # unassigned code points of GBK's user-defined areas
    return found


def wanted_characters() -> set[str]:
    """GBK, printable ASCII, full-width forms, CJK punctuation and the layout's extras."""
    chars = gbk_characters()
    chars.update(chr(code) for code in range(0x20, 0x7F))
    chars.update(chr(code) for code in range(0xFF01, 0xFF5F))
    chars.update(chr(code) for code in range(0x3000, 0x3040))
    chars.update(EXTRA)
    return chars


def extract_simplified_chinese(source: Path) -> TTFont:
    """The SC face of the collection (the same glyph set as the stand-alone NotoSansCJKsc-Regular)."""
    collection = TTCollection(str(source))
    for font in collection.fonts:
        if font["name"].getDebugName(1) == FAMILY:
            return font
    raise SystemExit(f"{source} has no {FAMILY!r} face")


def subset_font(font: TTFont, chars: set[str]) -> None:
    """Keep the wanted characters' glyphs; drop what a PDF renderer never reads."""
    options = subset.Options()
    # fpdf2 lays text out itself, horizontally: no OpenType layout, no vertical metrics, no hints.
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, version, licence
    options.name_languages = [0x409]
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    cmap = font.getBestCmap()
    subsetter.populate(unicodes=sorted(ord(char) for char in chars if ord(char) in cmap))
    subsetter.subset(font)


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with quadratic TrueType ones (at most 1 unit in 1000 off)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: PDF embedding does not need them
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> None:
    """Write the subset font and print what it covers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    font = extract_simplified_chinese(args.source)
    chars = wanted_characters()
    missing = sorted(char for char in chars if ord(char) not in font.getBestCmap())
    subset_font(font, chars)
    to_truetype(font)
    font.recalcTimestamp = False  # keep the source's date: the same source gives the same file
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.output))
    covered = len(TTFont(str(args.output)).getBestCmap())
    print(f"{args.output.name}: {covered} characters, {args.output.stat().st_size} bytes")
    if missing:
        # GBK's private-use and a few compatibility code points have no glyph in Noto.
        print(f"{len(missing)} wanted characters have no glyph in the source, e.g. {''.join(missing[:20])!r}")


if __name__ == "__main__":
    main()
