"""The briefing as a Word document: real headings, tables with a header row, charts with alt text."""

from __future__ import annotations

import io
from .model import Bullets, Chart, Document, Heading, PNG_SCALE, Paragraph, Table
from .printing import _draw


# --- Word ---------------------------------------------------------------------------------------

def _docx(doc: Document) -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    usable_cm = 17.0

    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    # The document's language: Word's spelling and screen readers use it.
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-GB")
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), "Arial")
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13)):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x12, 0x43, 0x6D) if name != "Title" else RGBColor(0x0B, 0x0C, 0x0C)

    props = word.core_properties
    props.title = doc.title
    props.subject = doc.footer
    props.author = "Safeguarding dashboard (sg_data)"
    props.language = "en-GB"

    footer = section.footer.paragraphs[0]
    footer.text = doc.footer
    footer.style.font.size = Pt(9)

    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            p = word.add_paragraph()
            if block.lead:
                p.add_run(block.lead).bold = True
            run = p.add_run(block.text)
            if block.kind == "note":
                run.font.size = Pt(10)
            if block.kind == "meta":
                p.paragraph_format.space_after = Pt(2)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            word.add_paragraph(block.caption, style="Caption").paragraph_format.keep_with_next = True
            numeric = block.numeric_columns()
            table = word.add_table(rows=1, cols=len(block.columns))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            header = table.rows[0]
            # Mark the first row as the header row: Word repeats it on each page and screen readers use it.
            tr_pr = header._tr.get_or_add_trPr()
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            tr_pr.append(flag)
            for i, text in enumerate(block.columns):
                cell = header.cells[i]
                run = cell.paragraphs[0].add_run(text)
                run.bold = True
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:color"), "auto")
                shading.set(qn("w:fill"), "DCE6F0")
                cell._tc.get_or_add_tcPr().append(shading)
                if numeric[i]:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in block.rows:
                cells = table.add_row().cells
                for i, text in enumerate(row):
                    cells[i].text = str(text)
                    if numeric[i]:
                        cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        par.paragraph_format.space_after = Pt(0)
                        for run in par.runs:
                            run.font.size = Pt(10)
            word.add_paragraph()
        elif isinstance(block, Chart):
            _draw(block)
            width_cm = min(usable_cm, block.width_px / PNG_SCALE * 2.54 / 96)
            word.add_picture(io.BytesIO(block.png), width=Cm(width_cm))
            picture = word.inline_shapes[-1]
            doc_pr = picture._inline.docPr
            doc_pr.set("descr", block.alt)
            doc_pr.set("title", "Chart")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


