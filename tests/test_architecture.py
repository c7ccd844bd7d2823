"""The shape of the code (style.md, issue "one figure, one definition"): no import cycles in sg_data, thin pages,
no module over about 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sg_data"
PAGES = sorted((ROOT / "pages").glob("*.py"))

#: DataFrame methods that reshape: a page calls a view model for these, it never does them itself
RESHAPING = {"groupby", "pivot", "pivot_table", "merge", "melt", "sort_values", "assign", "agg", "aggregate", "apply",
             "concat", "query", "drop_duplicates", "explode", "stack", "unstack", "reindex", "set_index",
             "transform", "dropna", "fillna", "astype", "rename", "drop", "iterrows", "itertuples"}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every sg_data module a module imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("sg_data")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("sg_data"):
                continue
            out.add(target)
            for a in node.names:  # `from . import figures` names a module
                candidate = f"{target}.{a.name}"
                if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or (
                        PACKAGE.parent / candidate.replace(".", "/")).is_dir():
                    out.add(candidate)
    return out - {name}


def test_no_module_imports_another_in_a_circle():
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: {i for i in imports_of(p) if i in modules} for m, p in modules.items()}
    # a package's __init__ re-exporting its own modules is not a cycle of logic
    graph = {m: {i for i in deps if not (m.startswith(i + ".") and modules[i].name == "__init__.py")}
             for m, deps in graph.items()}
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_holds_no_pandas_reshaping(page):
    tree = ast.parse(page.read_text())
    imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert "pandas" not in imports, f"{page.name} imports pandas: shaping belongs in sg_data.views"
    calls = sorted({n.func.attr for n in ast.walk(tree)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in RESHAPING})
    assert calls == [], f"{page.name} reshapes data itself ({', '.join(calls)}): call a view model instead"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")) + PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_about_500_lines(path):
    assert len(path.read_text().splitlines()) <= 520, f"{path.relative_to(ROOT)}: split it"
