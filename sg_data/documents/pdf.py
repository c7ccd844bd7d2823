"""The briefing as a PDF with selectable text (fpdf2's core fonts)."""

from __future__ import annotations

import io
from .model import Bullets, Chart, Document, Heading, PNG_SCALE, Paragraph, Table
from .printing import _draw


# --- PDF ----------------------------------------------------------------------------------------

_LATIN1 = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    "\u2264": "<=", "\u2265": ">=", "\u2192": "->", "\u2190": "<-", "\u2248": "~", "\u2260": "!=",
    "\u2122": "(TM)", "\u20ac": "EUR", "\u2713": "yes", "\u2717": "no",
})


def latin1(text: str) -> str:
    """Text the PDF core fonts can print: dashes and quotes made plain, anything else outside latin-1 a '?'."""
    return str(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


GSS_BLUE = (0x12, 0x43, 0x6D)


def _pdf(doc: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Briefing(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font("Helvetica", size=8)
            self.set_text_color(80, 80, 80)
            self.cell(0, 8, latin1(doc.footer), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    pdf = Briefing(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(latin1(doc.title))
    pdf.set_subject(latin1(doc.footer))
    pdf.set_author("Safeguarding dashboard (sg_data)")
    pdf.set_creator("sg_data.documents")
    pdf.set_lang("en-GB")
    pdf.add_page()
    width = pdf.epw
    body_size = 10

    def write_paragraph(block: Paragraph) -> None:
        size = 9 if block.kind == "note" else body_size
        pdf.set_x(pdf.l_margin)
        if block.lead:
            pdf.set_font("Helvetica", "B", size)
            pdf.write(5, latin1(block.lead))
        pdf.set_font("Helvetica", "", size)
        if block.kind == "note":
            pdf.set_text_color(60, 60, 60)
        pdf.write(5, latin1(block.text))
        pdf.set_text_color(0, 0, 0)
        pdf.ln(6.5 if block.kind != "meta" else 5.5)

    def col_widths(block: Table, size: float) -> list[float]:
        pad = 4
        natural = []
        for i, name in enumerate(block.columns):
            pdf.set_font("Helvetica", "B", size)
            w = pdf.get_string_width(latin1(name))
            pdf.set_font("Helvetica", "", size)
            for row in block.rows:
                w = max(w, pdf.get_string_width(latin1(row[i])))
            natural.append(w + pad)
        if sum(natural) <= width:
            return natural
        natural = [w * 0.999 for w in natural]
        # Shrink the wide text columns; keep narrow ones (figures) whole so they do not wrap.
        fair = width / len(natural)
        fixed = [w for w in natural if w <= fair]
        flexible = [w for w in natural if w > fair]
        room = width - sum(fixed)
        scale = room / sum(flexible) if flexible else 1
        return [w if w <= fair else max(w * scale, 18) for w in natural]

    def table_height(block: Table) -> float:
        """A rough height: a row per line of its longest cell, wrapping at about 60 characters."""
        lines = sum(max(1, max(len(c) for c in row) // 60 + 1) for row in block.rows) + 2
        return 6 + 5.6 * lines

    def write_table(block: Table) -> None:
        size = 8.5 if len(block.columns) > 5 else 9
        # A short table is kept on one page; a long one starts with at least a few rows.
        if pdf.will_page_break(22 if len(block.rows) > 16 else table_height(block)):
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(0, 5, latin1(f"Table: {block.caption}"), new_x="LMARGIN", new_y="NEXT")
        widths = col_widths(block, size)
        numeric = block.numeric_columns()
        pdf.set_font("Helvetica", "", size)
        with pdf.table(
            width=min(sum(widths), width), col_widths=widths, align="LEFT", line_height=size * 0.5,
            text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
            headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=GSS_BLUE),
            borders_layout="HORIZONTAL_LINES", padding=1.2,
        ) as table:
            for row in [block.columns] + block.rows:
                r = table.row()
                for cell in row:
                    r.cell(latin1(cell))
        pdf.ln(4)

    def write_chart(block: Chart) -> None:
        _draw(block)
        w = min(width, block.width_px / PNG_SCALE * 25.4 / 96 * 0.95)
        h = w * block.height_px / block.width_px
        if pdf.will_page_break(h):
            pdf.add_page()
        pdf.image(io.BytesIO(block.png), x=pdf.l_margin, w=w, h=h, alt_text=latin1(block.alt))
        pdf.ln(3)

    def chart_height(block: Chart) -> float:
        _draw(block)
        return min(width, block.width_px / PNG_SCALE * 25.4 / 96 * 0.95) * block.height_px / block.width_px

    def needed_after(index: int) -> float:
        """Room for a heading and what belongs with it: its first paragraphs and, if there is one, its chart."""
        need = 14.0
        for block in doc.blocks[index + 1:index + 5]:
            if isinstance(block, Heading) and block.level <= 1:
                break
            if isinstance(block, Paragraph):
                need += 6 * (1 + len(block.text) // 110)
            elif isinstance(block, Chart):
                return need + chart_height(block) + 3
            elif isinstance(block, Table):
                return need + min(table_height(block), 70)
            else:
                break
        return max(need, 35.0)

    for index, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            if block.level == 0:
                pdf.set_font("Helvetica", "B", 20)
                pdf.multi_cell(0, 10, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
                continue
            # Keep a heading with what follows it.
            if pdf.will_page_break(min(needed_after(index), pdf.eph - 20)):
                pdf.add_page()
            pdf.ln(4 if block.level == 1 else 2)
            pdf.start_section(latin1(block.text), level=block.level - 1, strict=False)
            pdf.set_font("Helvetica", "B", 15 if block.level == 1 else 12)
            pdf.set_text_color(*GSS_BLUE)
            pdf.multi_cell(0, 7, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
            if block.level == 1:
                pdf.set_draw_color(*GSS_BLUE)
                pdf.set_line_width(0.5)
                pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
                pdf.set_line_width(0.2)
                pdf.set_draw_color(0, 0, 0)
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
        elif isinstance(block, Paragraph):
            write_paragraph(block)
        elif isinstance(block, Bullets):
            pdf.set_font("Helvetica", "", body_size)
            for item in block.items:
                pdf.set_x(pdf.l_margin)
                pdf.cell(5, 5, "-")
                pdf.multi_cell(width - 5, 5, latin1(item), new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(1)
            pdf.ln(2)
        elif isinstance(block, Table):
            write_table(block)
        elif isinstance(block, Chart):
            write_chart(block)
    return bytes(pdf.output())

