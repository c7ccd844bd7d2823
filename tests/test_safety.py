"""Data is shown as text, never as markup; downloads carry no formulas or links (issue 12)."""

from __future__ import annotations

import re

import csv
import io
import string
import zipfile
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from sg_data.safety import html_escape, md_escape, neutralise_cell, plain, safe_csv, safe_xlsx

# CommonMark + GFM tables, strikethrough and autolinks, with $...$ maths: the constructs Streamlit renders
MD = MarkdownIt("gfm-like", {"typographer": False}).use(dollarmath_plugin)

# text that tries every construct at once, and arbitrary text
HOSTILE = [
    "<img src=https://evil.example/x.png>",
    "<style>.stMetric{display:none}</style>",
    "[Session expired: sign in again](https://evil.example/login)",
    "![x](https://evil.example/x.png)",
    "# Heading",
    "Neglect *urgent* __now__ ~~gone~~",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "$x^2$ and $$\\frac{1}{2}$$",
    ":red[alarm] :material/warning: :smile:",
    "www.evil.example and jane@evil.example and https://evil.example",
    "1. first\n\n    indented code",
    "> quoted\n- item\n+ item",
    "a\\*b\\",
    "&amp; &lt;b&gt; &#36;",
    "`code` <!-- comment -->",
    "Line\u202eevil\u202c end\x00\x07",
]
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                  st.text(alphabet=string.punctuation + " aZ09\n\t", max_size=40))


def _rendered_text(markdown: str) -> str:
    """What a reader sees, from the parse: fails on any token that is not plain text."""
    tokens = MD.parse(markdown)
    if not tokens:
        return ""
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], tokens
    children = tokens[1].children
    assert {c.type for c in children} <= {"text", "text_special"}, [c.type for c in children]
    return "".join(c.content for c in children)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


# --- Markdown --------------------------------------------------------------------------------------

def test_md_escape_known_values():
    assert md_escape("Neglect *urgent*") == r"Neglect \*urgent\*"
    assert md_escape("Section 11 (OSCB)") == r"Section 11 \(OSCB\)"
    assert md_escape("Child Safeguarding") == "Child Safeguarding"
    assert md_escape("$5") == r"\$5"
    assert md_escape(":red[x]") == r"\:red\[x\]"
    assert md_escape("a\n\n# b") == r"a \# b"
    assert md_escape(None) == ""
    assert md_escape(3) == "3"


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_renders_hostile_text_as_itself(text):
    assert _rendered_text(md_escape(text)) == plain(text)
    assert "<" not in MD.render(md_escape(text)).replace("<p>", "").replace("</p>", "")


@settings(max_examples=300, deadline=None)
@given(texts)
def test_md_escape_renders_as_the_same_text(text):
    assert _rendered_text(md_escape(text)) == plain(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_md_escape_leaves_no_unescaped_markup_character(text):
    out = md_escape(text)
    i = 0
    while i < len(out):
        ch = out[i]
        if ch == "\\":
            assert i + 1 < len(out) and out[i + 1] in string.punctuation
            i += 2
            continue
        assert ch not in string.punctuation, (out, i)
        assert ch not in "\n\r\t"
        i += 1


def test_plain_removes_controls_and_line_breaks():
    assert plain("  a\r\n\tb\u202e c\x00 ") == "a b c"
    assert plain(float("nan")) == ""
    assert plain(pd.NA) == ""


# --- HTML --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
def test_html_escape_known_hostile(text):
    out = html_escape(text)
    assert "<" not in out and ">" not in out and '"' not in out
    p = _Text()
    p.feed(f"<p class='sg-summary'>{out}</p>")
    assert p.tags == ["p"]
    assert "".join(p.text) == plain(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_html_escape_is_plain_text_in_html_and_in_markdown(text):
    out = html_escape(text)
    p = _Text()
    p.feed(f"<div>{out}</div>")
    assert p.tags == ["div"]
    assert "".join(p.text) == plain(text)
    # the same text sitting in a Markdown paragraph (st.markdown with unsafe_allow_html=True)
    assert _rendered_text(out) == plain(text)


def test_html_escape_known_value():
    assert html_escape("<b>A & B</b>") == "&#60;b&#62;A &#38; B&#60;&#47;b&#62;"


# --- CSV and XLSX ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"https://evil.example\",\"x\")", "'=HYPERLINK(\"https://evil.example\",\"x\")"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Neglect", "Neglect"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def _frame(values):
    return pd.DataFrame({"name": values, "count": range(-1, len(values) - 1)})


def test_safe_csv_known_frame():
    frame = pd.DataFrame({"service": ["=1+1", "Housing"], "=bad": [-3, 4], "note": [None, "@x"]})
    assert safe_csv(frame) == b"service,'=bad,note\r\n'=1+1,-3,\r\nHousing,4,'@x\r\n"
    assert safe_csv(frame, bom=True).startswith(b"\xef\xbb\xbf")
    assert frame.loc[0, "service"] == "=1+1"  # the caller's frame is not changed


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(texts, st.sampled_from(["=1+1", "-3", "+1", "@a", "\t=x", "\r=x"])),
                min_size=1, max_size=8))
def test_safe_csv_has_no_cell_starting_with_a_formula_character(values):
    rows = list(csv.reader(io.StringIO(safe_csv(_frame(values)).decode("utf-8"), newline="")))
    assert rows[0] == ["name", "count"]
    for row, original in zip(rows[1:], values):
        assert not row[0].startswith(("=", "+", "@", "\t", "\r")) and not row[0].startswith("-")
        assert row[0] in (original, "'" + original)
    # numbers stay numbers
    assert rows[1][1] == "-1"


def _xlsx_cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    return ws, [[c for c in row] for row in ws.iter_rows()]


def test_safe_xlsx_values_only():
    frame = pd.DataFrame({
        "service": ['=HYPERLINK("https://evil.example","click")', "https://evil.example", "ok\x01"],
        "count": [-3, 2, None],
        "when": pd.to_datetime(["2024-01-02", "2024-02-03", None]),
    })
    data = safe_xlsx(frame)
    ws, cells = _xlsx_cells(data)
    assert [c.value for c in cells[0]] == ["service", "count", "when"]
    assert cells[1][0].value == "'=HYPERLINK(\"https://evil.example\",\"click\")"
    assert cells[2][0].value == "https://evil.example"
    assert cells[3][0].value == "ok"
    assert [cells[1][1].value, cells[2][1].value, cells[3][1].value] == [-3, 2, None]
    assert cells[1][2].value.isoformat() == "2024-01-02T00:00:00"
    assert all(c.data_type != "f" for row in cells for c in row)
    assert all(c.hyperlink is None for row in cells for c in row)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<f " not in sheet and "hyperlink" not in sheet
        assert not [n for n in z.namelist() if "externalLink" in n]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(texts, st.sampled_from(["=1+1", "-3", "+1", "@a"])), min_size=1, max_size=6))
def test_safe_xlsx_never_writes_a_formula(values):
    _, cells = _xlsx_cells(safe_xlsx(_frame(values)))
    for row in cells[1:]:
        assert row[0].data_type != "f"
        assert row[0].value is None or not str(row[0].value).startswith(("=", "+", "-", "@", "\t", "\r"))


HOSTILE = '<img src="http://198.51.100.1/x.png" onerror="alert(1)"><style>*{display:none}</style>[sign in](http://evil.example) $x^2$'


def test_hostile_names_reach_no_page_unescaped(tmp_path, monkeypatch, fresh_streamlit_caches):
    """A service and a category named with HTML, a link and maths: the pages show them as text only."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from sg_data.loader import load_folder

    src = tmp_path / "exports"
    src.mkdir()
    rows = "".join(f"C{i},2024-04-0{1 + i % 5} 08:05,{HOSTILE.replace(',', ' ')},Neglect {HOSTILE.replace(',', ' ')},"
                   f"child,2024-04-0{1 + i % 5} 10:00\n" for i in range(12))
    (src / "concerns.csv").write_text("concern_id,raised_at,service,category,subject_group,reviewed_at\n" + rows,
                                      encoding="utf-8")
    db = tmp_path / "sg.duckdb"
    assert load_folder(src, db).ok
    monkeypatch.setenv("SG_DB", str(db))
    monkeypatch.delenv("SG_VIEW", raising=False)
    root = Path(__file__).resolve().parent.parent
    for page in ("concerns", "timeliness"):
        at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=60)
        at.switch_page(f"pages/{page}.py").run()
        at.selectbox(key="period").set_value("2024-25 Q1").run()
        assert not at.exception, [e.value for e in at.exception]
        written = [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.value for m in at.main
                                                                                    if m.type == "alert"]
        assert any("img" in w for w in written), f"{page}: the hostile name is not shown at all"
        for w in written:  # Markdown escapes with a backslash; HTML the app writes uses character references
            assert not re.search(r"(?<!\\)<(img|style)", w), f"{page}: raw HTML reaches the page: {w[:200]}"
            assert not re.search(r"(?<!\\)\]\(http", w), f"{page}: a live link reaches the page: {w[:200]}"
            assert not re.search(r"(?<!\\)\$x", w), f"{page}: maths reaches the page: {w[:200]}"
