"""The briefing as Markdown and as one self-contained, accessible HTML page."""

from __future__ import annotations

import base64
import html
import re
from .model import Bullets, Chart, Document, Heading, PNG_SCALE, Paragraph, Table
from .printing import _draw


# --- Markdown -----------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _markdown(doc: Document) -> bytes:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append("#" * (block.level + 1) + " " + block.text)
        elif isinstance(block, Paragraph):
            text = f"**{block.lead.strip()}** {block.text}" if block.lead else block.text
            out.append(f"_{text}_" if block.kind == "note" else text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            numeric = block.numeric_columns()
            lines = [f"Table: {block.caption}", "",
                     "| " + " | ".join(_md_cell(c) for c in block.columns) + " |",
                     "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
        elif isinstance(block, Chart):
            out.append(f"_Chart (in the Word, PDF and web versions): {block.alt}_")
    out.append(f"---\n{doc.footer}")
    return ("\n\n".join(out) + "\n").encode("utf-8")


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;color:#0b0c0c;line-height:1.45;margin:0;
background:#fff}
main{max-width:52rem;margin:0 auto;padding:1.5rem}
h1{font-size:2rem;margin:0 0 1rem}
h2{font-size:1.5rem;margin:2.2rem 0 .6rem;border-bottom:2px solid #12436D;color:#12436D}
h3{font-size:1.15rem;margin:1.6rem 0 .5rem}
p.meta{margin:.2rem 0}p.note{font-size:.92rem;color:#3d3d3d}
table{border-collapse:collapse;margin:.5rem 0 1.2rem;font-size:.95rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;vertical-align:top;text-align:left}
thead th{background:#12436D;color:#fff}td.num{text-align:right;white-space:nowrap}
figure{margin:.8rem 0}img{max-width:100%;height:auto}
footer{font-size:.9rem;color:#3d3d3d;border-top:1px solid #b1b4b6;margin-top:2rem;padding-top:.5rem}
nav ul{columns:2}
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _html(doc: Document) -> bytes:
    e = html.escape
    body: list[str] = []
    sections = [b for b in doc.blocks if isinstance(b, Heading) and b.level == 1]
    seen: dict[str, int] = {}
    contents_written = False
    for block in doc.blocks:
        if isinstance(block, Heading):
            if block.level == 0:
                body.append(f"<h1>{e(block.text)}</h1>")
                continue
            if block.level == 1 and not contents_written:
                items = "".join(f'<li><a href="#{_slug(s.text)}">{e(s.text)}</a></li>' for s in sections)
                body.append(f'<nav aria-label="Contents"><h2>Contents</h2><ul>{items}</ul></nav>')
                contents_written = True
            anchor = _slug(block.text)
            seen[anchor] = seen.get(anchor, 0) + 1
            if seen[anchor] > 1:
                anchor += f"-{seen[anchor]}"
            body.append(f'<h{block.level + 1} id="{anchor}">{e(block.text)}</h{block.level + 1}>')
        elif isinstance(block, Paragraph):
            lead = f"<strong>{e(block.lead.strip())}</strong> " if block.lead else ""
            body.append(f'<p class="{block.kind}">{lead}{e(block.text)}</p>')
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Table):
            numeric = block.numeric_columns()
            head = "".join(f'<th scope="col">{e(c)}</th>' for c in block.columns)
            rows = []
            for row in block.rows:
                cells = [f'<th scope="row">{e(row[0])}</th>']
                cells += [f'<td class="num">{e(c)}</td>' if numeric[i + 1] else f"<td>{e(c)}</td>"
                          for i, c in enumerate(row[1:])]
                rows.append("<tr>" + "".join(cells) + "</tr>")
            body.append(f"<table><caption>{e(block.caption)}</caption><thead><tr>{head}</tr></thead>"
                        f"<tbody>{''.join(rows)}</tbody></table>")
        elif isinstance(block, Chart):
            _draw(block)
            data = base64.b64encode(block.png).decode("ascii")
            body.append(f'<figure><img src="data:image/png;base64,{data}" alt="{e(block.alt)}" '
                        f'width="{block.width_px // PNG_SCALE}" height="{block.height_px // PNG_SCALE}"></figure>')
    page = (f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(doc.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + f"\n</main>\n<footer><p>{e(doc.footer)}</p></footer>\n</body>\n</html>\n")
    return page.encode("utf-8")


