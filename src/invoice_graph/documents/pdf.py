"""The invoice as a PDF laid out like a 数电票, drawn with fpdf2 in an embedded CJK font."""

from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, TextMode, WrapMode
from fpdf.fonts import TTFFont

from invoice_graph.domain.e_invoices import InvoiceColour
from invoice_graph.domain.money import from_fen

from .model import InvoiceData, Party, TaxSplit, invoice_totals, split_items
from .numerals import amount_in_words
from .qr import draw_qr, qr_payload

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-GBK.ttf"
FONT = "NotoSansSC"

# The tax platform prints the form in a sepia brown and the data in black.
FORM_COLOUR = (150, 75, 35)
DATA_COLOUR = (0, 0, 0)

PAGE_WIDTH = 297.0
PAGE_HEIGHT = 210.0
LEFT = 15.0
WIDTH = PAGE_WIDTH - 2 * LEFT
BOX_TOP = 42.0
LABEL_COLUMN = 8.0  # the narrow column of vertical labels: 购买方信息, 销售方信息, 备注
LINE = 6.0
# The items table: header, width (mm) and alignment of each column; together they span WIDTH.
COLUMNS = (
    ("项目名称", 64.0, "L"),
    ("规格型号", 42.0, "L"),
    ("单位", 14.0, "C"),
    ("数量", 16.0, "R"),
    ("单价", 28.0, "R"),
    ("金额", 38.0, "R"),
    ("税率/征收率", 25.0, "C"),
    ("税额", 40.0, "R"),
)
PARTIES_MIN_HEIGHT = 24.0  # room for the vertical label's five characters
ITEMS_MIN_HEIGHT = 56.0
WORDS_HEIGHT = 9.0
REMARK_MIN_HEIGHT = 20.0
BOTTOM_MARGIN = 10.0
MIN_FONT_SIZE = 5.0


def figures(fen: int, *, currency: bool = False) -> str:
    """An amount in figures with thousands separators, e.g. "1,234.56" or "¥-1,234.56"."""
    text = f"{from_fen(fen):,.2f}"
    return f"¥{text}" if currency else text


def title_of(invoice: InvoiceData) -> str:
    """The invoice's title, e.g. "电子发票（增值税专用发票）" or "电子发票（普通发票）（红字）"."""
    kind = "增值税专用发票" if invoice.is_special else "普通发票"
    red = "（红字）" if invoice.colour is InvoiceColour.RED else ""
    return f"电子发票（{kind}）{red}"


def render_pdf(invoice: InvoiceData) -> bytes:
    """Render the invoice as a one-page PDF.

    The output depends on the invoice alone: the creation date is the issue date and fpdf2's
    file identifier is a hash of the content, so the same data always gives the same bytes.

    Args:
        invoice: the invoice's data.

    Returns:
        The PDF file, with the glyphs it uses of the embedded Noto Sans SC font.
    """
    page = _draw(invoice, PAGE_HEIGHT)
    if page.y > PAGE_HEIGHT - BOTTOM_MARGIN:
        # Too many items for A4: a longer page keeps them on one sheet rather than clipping them.
        page.discard()
        page = _draw(invoice, page.y + BOTTOM_MARGIN)
    return bytes(page.pdf.output())


def _draw(invoice: InvoiceData, height: float) -> "_Page":
    """Draw the whole invoice on a page of the given height."""
    page = _Page(invoice, height)
    page.header()
    page.parties()
    page.items(split_items(invoice))
    page.totals(invoice_totals(invoice))
    page.remark()
    return page


class _Page:
    """One invoice page being drawn; y is where the next band of the box starts."""

    def __init__(self, invoice: InvoiceData, height: float) -> None:
        self.invoice = invoice
        pdf = FPDF(orientation="P", unit="mm", format=(PAGE_WIDTH, height))
        pdf.set_auto_page_break(auto=False)
        pdf.set_margins(LEFT, 10, LEFT)
        pdf.add_font(FONT, "", str(FONT_PATH))
        pdf.set_creation_date(datetime(*invoice.issued_on.timetuple()[:3], tzinfo=UTC))
        pdf.set_title(f"{title_of(invoice)} {invoice.invoice_number}")
        pdf.set_author(invoice.seller.name)
        pdf.set_subject(invoice.application_number)
        pdf.set_lang("zh-CN")
        pdf.c_margin = 1.2
        pdf.add_page()
        self.pdf = pdf
        self.y = BOX_TOP
        self.items_bottom = BOX_TOP

    def discard(self) -> None:
        """Close the font file of a page that will not be output (output closes it otherwise)."""
        for font in self.pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.close()

    def text(
        self,
        box: tuple[float, float, float, float],
        text: str,
        *,
        size: float = 9.5,
        colour: tuple[int, int, int] = DATA_COLOUR,
        align: str = "L",
    ) -> None:
        """One line of text in a cell (x, y, width, height), shrunk until it fits the width."""
        pdf = self.pdf
        x, y, w, h = box
        pdf.set_font(FONT, size=size)
        while size > MIN_FONT_SIZE and pdf.get_string_width(text) + 2 * pdf.c_margin > w:
            size -= 0.5
            pdf.set_font(FONT, size=size)
        pdf.set_text_color(*colour)
        pdf.set_xy(x, y)
        pdf.cell(w, h, text, align=align)

    def header(self) -> None:
        """QR code, title with its double rule, invoice number and date."""
        invoice, pdf = self.invoice, self.pdf
        draw_qr(pdf, qr_payload(invoice), x=LEFT, y=10, size=26)
        title = title_of(invoice)
        pdf.text_mode = TextMode.FILL_STROKE  # a stroked outline stands in for a bold face
        pdf.set_line_width(0.25)
        pdf.set_draw_color(*FORM_COLOUR)
        self.text((LEFT + 50, 14, WIDTH - 100, 10), title, size=18, colour=FORM_COLOUR, align="C")
        pdf.text_mode = TextMode.FILL
        width = pdf.get_string_width(title)
        pdf.set_line_width(0.3)
        for rule_y in (26.0, 27.2):
            pdf.line(PAGE_WIDTH / 2 - width / 2, rule_y, PAGE_WIDTH / 2 + width / 2, rule_y)
        right = PAGE_WIDTH - LEFT - 66
        for row, (label, value) in enumerate(
            (
                ("发票号码：", invoice.invoice_number),
                ("开票日期：", invoice.issued_on.strftime("%Y年%m月%d日")),
            )
        ):
            self.text((right, 15 + row * 7, 20, 6), label, size=10, colour=FORM_COLOUR)
            self.text((right + 19, 15 + row * 7, 47, 6), value, size=10)

    def parties(self) -> None:
        """The buyer's and the seller's blocks, side by side."""
        pdf, invoice = self.pdf, self.invoice
        lines = 4 if invoice.is_special else 2
        height = max(lines * LINE + 4, PARTIES_MIN_HEIGHT)
        pdf.set_draw_color(*FORM_COLOUR)
        pdf.set_line_width(0.3)
        half = WIDTH / 2
        pdf.rect(LEFT, self.y, WIDTH, height)
        for index, (label, party) in enumerate(
            (("购买方信息", invoice.buyer), ("销售方信息", invoice.seller))
        ):
            x = LEFT + index * half
            pdf.line(x, self.y, x, self.y + height)
            pdf.line(x + LABEL_COLUMN, self.y, x + LABEL_COLUMN, self.y + height)
            self.vertical_label(x, self.y, height, label)
            for row, (name, value) in enumerate(self.party_lines(party)):
                row_y = self.y + (height - len(self.party_lines(party)) * LINE) / 2 + row * LINE
                self.text((x + LABEL_COLUMN + 1, row_y, 52, LINE), name, colour=FORM_COLOUR)
                # The value follows its label closely, so a long address keeps a readable size.
                value_x = x + LABEL_COLUMN + 2 + self.pdf.get_string_width(name) + 2 * self.pdf.c_margin
                self.text((value_x, row_y, x + half - value_x - 1, LINE), value)
        self.y += height

    def party_lines(self, party: Party) -> list[tuple[str, str]]:
        """The labelled lines of a party block: two on a general invoice, four on a special one."""
        lines = [("名称：", party.name), ("统一社会信用代码/纳税人识别号：", party.taxpayer_id or "")]
        if self.invoice.is_special:
            lines.append(("地址、电话：", " ".join(p for p in (party.address, party.phone) if p)))
            lines.append(("开户行及账号：", " ".join(p for p in (party.bank_name, party.bank_account) if p)))
        return lines

    def vertical_label(self, x: float, y: float, height: float, label: str) -> None:
        """A label written top to bottom, one character a line, centred in the label column."""
        step = min(4.2, (height - 2) / len(label))
        top = y + (height - step * len(label)) / 2
        for index, char in enumerate(label):
            self.text(
                (x, top + index * step, LABEL_COLUMN, step), char, size=9, colour=FORM_COLOUR, align="C"
            )

    def items(self, splits: tuple[TaxSplit, ...]) -> None:
        """The items table: header, one row per item (names wrap), and space down to 合计."""
        pdf, invoice = self.pdf, self.invoice
        top = self.y
        x = LEFT
        for header, width, _ in COLUMNS:
            self.text((x, top + 1, width, LINE), header, colour=FORM_COLOUR, align="C")
            x += width
        row_y = top + 1 + LINE
        rate = f"{invoice.tax_rate_percent}%"
        for item, split in zip(invoice.items, splits, strict=True):
            name_lines = self.wrap(item.name, COLUMNS[0][1])
            spec_lines = self.wrap(item.specification, COLUMNS[1][1])
            values = ("", "", "", figures(split.net_fen), rate, figures(split.tax_fen))
            x = LEFT + COLUMNS[0][1] + COLUMNS[1][1]
            for value, (_, width, align) in zip(values, COLUMNS[2:], strict=True):
                self.text((x, row_y, width, 5), value, align=align)
                x += width
            for offset, lines in ((0.0, name_lines), (COLUMNS[0][1], spec_lines)):
                for index, line in enumerate(lines):
                    self.text(
                        (LEFT + offset, row_y + index * 4.5, COLUMNS[0 if offset == 0 else 1][1], 5), line
                    )
            row_y += max(len(name_lines), len(spec_lines)) * 4.5 + 1
        self.items_bottom = max(top + ITEMS_MIN_HEIGHT, row_y + LINE + 2)
        pdf.line(LEFT, top, LEFT, self.items_bottom)
        pdf.line(LEFT + WIDTH, top, LEFT + WIDTH, self.items_bottom)

    def wrap(self, text: str, width: float) -> list[str]:
        """Break a cell's text into lines that fit its column, character by character."""
        self.pdf.set_font(FONT, size=9.5)
        lines = self.pdf.multi_cell(
            width, 5, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=WrapMode.CHAR
        )
        # With output=LINES, fpdf2 returns the list of lines (its signature says MultiCellResult).
        return [str(line) for line in cast("list[str]", lines)] or [""]

    def totals(self, totals: TaxSplit) -> None:
        """合计 at the foot of the items, then 价税合计 in capital numerals and in figures."""
        pdf = self.pdf
        bottom = self.items_bottom
        self.text(
            (LEFT, bottom - LINE - 1, COLUMNS[0][1], LINE), "合        计", colour=FORM_COLOUR, align="C"
        )
        amount_x = LEFT + sum(width for _, width, _ in COLUMNS[:5])
        self.text(
            (amount_x, bottom - LINE - 1, COLUMNS[5][1], LINE),
            figures(totals.net_fen, currency=True),
            align="R",
        )
        tax_x = PAGE_WIDTH - LEFT - COLUMNS[7][1]
        self.text(
            (tax_x, bottom - LINE - 1, COLUMNS[7][1], LINE), figures(totals.tax_fen, currency=True), align="R"
        )
        pdf.rect(LEFT, bottom, WIDTH, WORDS_HEIGHT)
        self.text(
            (LEFT, bottom, 40, WORDS_HEIGHT), "价税合计（大写）", size=10, colour=FORM_COLOUR, align="C"
        )
        pdf.line(LEFT + 40, bottom, LEFT + 40, bottom + WORDS_HEIGHT)
        self.text((LEFT + 44, bottom, 150, WORDS_HEIGHT), amount_in_words(totals.amount_fen), size=11)
        self.text((LEFT + 190, bottom, 22, WORDS_HEIGHT), "（小写）", size=10, colour=FORM_COLOUR)
        self.text(
            (LEFT + 210, bottom, WIDTH - 212, WORDS_HEIGHT),
            figures(totals.amount_fen, currency=True),
            size=11,
        )
        self.y = bottom + WORDS_HEIGHT

    def remark(self) -> None:
        """备注 (the original invoice on a red one, the remark, the application number) and 开票人."""
        pdf, invoice = self.pdf, self.invoice
        notes = []
        if invoice.original_invoice_number:
            notes.append(f"被红冲蓝字数电发票号码：{invoice.original_invoice_number}")
        if invoice.remark:
            notes.append(invoice.remark)
        notes.append(f"申请单号：{invoice.application_number}")
        lines = [line for note in notes for line in self.wrap(note, WIDTH - LABEL_COLUMN - 4)]
        height = max(REMARK_MIN_HEIGHT, len(lines) * 4.8 + 3)
        pdf.rect(LEFT, self.y, WIDTH, height)
        pdf.line(LEFT + LABEL_COLUMN, self.y, LEFT + LABEL_COLUMN, self.y + height)
        self.vertical_label(LEFT, self.y, height, "备注")
        for index, line in enumerate(lines):
            self.text(
                (LEFT + LABEL_COLUMN + 1, self.y + 1.5 + index * 4.8, WIDTH - LABEL_COLUMN - 2, 4.8), line
            )
        issuer = invoice.issuer or invoice.seller.name
        self.text((LEFT + 6, self.y + height + 3, 120, LINE), "开票人：", size=10, colour=FORM_COLOUR)
        self.text((LEFT + 20, self.y + height + 3, 120, LINE), issuer, size=10)
        self.y += height + 3 + LINE
