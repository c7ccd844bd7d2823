"""Tests that keep the docs honest (datasette's test_docs habit): every figure a page shows has its
definition in the glossary, which the Definitions page lists; the README's commands are the ones CI runs."""

from __future__ import annotations

import ast
import re

import pytest

from sg_data import glossary

from .conftest import ROOT

PAGES = sorted((ROOT / "pages").glob("*.py"))
#: figures that describe the data itself, not a metric (the Data page's file and row counts)
NOT_METRICS = {("data.py", "Files loaded"), ("data.py", "Rows loaded")}


def _calls(tree: ast.AST, name: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "ui":
                yield node


def _label(node: ast.Call) -> str:
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Constant):
        return first.value
    if isinstance(first, ast.JoinedStr):
        return "".join(v.value for v in first.values if isinstance(v, ast.Constant))
    return ast.unparse(first) if first is not None else ""


def _page_keys(tree: ast.AST) -> set[str]:
    """Glossary keys a page names: in ui.definition, ui.figure(key=...), and its DEFINITIONS/INLINE tuples."""
    keys = set()
    for node in _calls(tree, "definition"):
        if node.args and isinstance(node.args[0], ast.Constant):
            keys.add(node.args[0].value)
    for node in _calls(tree, "figure"):
        for kw in node.keywords:
            if kw.arg == "key" and isinstance(kw.value, ast.Constant):
                keys.add(kw.value.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("DEFINITIONS", "INLINE")
                                                for t in node.targets):
            keys |= {e.value for e in getattr(node.value, "elts", []) if isinstance(e, ast.Constant)}
    return keys


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_every_figure_on_a_page_has_its_definition(path):
    tree = ast.parse(path.read_text())
    terms = {t.key for t in glossary.TERMS}
    unknown = _page_keys(tree) - terms
    assert not unknown, f"{path.name} names definitions the glossary lacks: {unknown}"
    for node in _calls(tree, "figure"):
        if (path.name, _label(node)) in NOT_METRICS:
            continue
        has_key = any(kw.arg == "key" for kw in node.keywords)
        assert has_key or _page_keys(tree), f"{path.name}: figure {_label(node)!r} shows no definition"


def test_figures_name_their_definition_where_they_stand():
    """Headline figures carry their definition as help text: Overview, Concerns, Review timeliness."""
    for name in ("overview.py", "concerns.py", "timeliness.py"):
        tree = ast.parse((ROOT / "pages" / name).read_text())
        for node in _calls(tree, "figure"):
            assert any(kw.arg == "key" for kw in node.keywords), f"{name}: {_label(node)!r} has no key="


def test_definitions_page_lists_the_whole_glossary():
    text = (ROOT / "pages" / "definitions.py").read_text()
    assert "glossary.TERMS" in text


def test_glossary_terms_are_unique_and_worded():
    keys = [t.key for t in glossary.TERMS]
    assert len(keys) == len(set(keys))
    for t in glossary.TERMS:
        assert t.definition.endswith(".") and len(t.definition) > 40, t.key


def test_readme_commands_are_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    # both commands make and use a virtual environment (PEP 668) and the app serves on 127.0.0.1 only
    assert ("python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/streamlit run "
            "dashboard.py --server.address 127.0.0.1") in readme
    assert "bash scripts/test.sh" in readme
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    assert "python3 -m venv .venv" in test_sh and 'exec "$PY" -m pytest' in test_sh
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^bash scripts/test\.sh", ci, re.M)


def test_streamlit_never_phones_home():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r"gatherUsageStats\s*=\s*false", config)
