"""The open data's `data-guidance.md`: what a reader of the files needs to use them rightly (sg_data.open_data)."""

from __future__ import annotations

from . import glossary


def guidance(sets: list, pub, council) -> str:
    """The data guidance: what each file holds, the symbols, the disclosure rules and the definitions."""
    m = pub.manifest
    threshold, min_group, target = m.get("threshold", 5), m.get("min_group", 10), m.get("target_hours", 24)
    cov = m.get("coverage") or {}
    lines = [f"# Safeguarding trends: open data for {council.name}", "",
             f"Published {m.get('published_at', '')}. Concerns from {cov.get('first') or '(none)'} to "
             f"{cov.get('last') or '(none)'}; timeliness judged at {cov.get('as_of') or '(none)'}. Geography: "
             f"{council.level}, {council.name} ({council.code}), England.", "",
             "The files follow the Explore Education Statistics open-data standard: each data file has a "
             "`.meta.csv` beside it naming its filters and indicators. Each row gives the time period "
             "(`time_period` 202324 is the financial year 2023-24; `time_identifier` says whether the row is the "
             "financial year or one of its quarters), the geography, then its filters and indicators. A filter "
             "value `Total` is the aggregate over that filter. Files with `_quarterly` in their name hold quarters; "
             "the others hold financial years. A year, or a period not yet ended, shows the figures to date.", "",
             "## Files", ""]
    for ds in sets:
        lines += [f"### {ds.name}.csv: {ds.title}", "", ds.about, "",
                  "Filters: " + "; ".join(f"`{c.name}` ({c.label})" + (f", grouped by `{c.group}`" if c.group else "")
                                         for c in ds.filters) + ".",
                  "Indicators: " + "; ".join(f"`{c.name}` ({c.label})" for c in ds.columns
                                            if c.kind == "Indicator") + ".", ""]
    lines += ["## Symbols", "",
              "- `c`: confidential, hidden to protect individuals (GSS symbol).",
              "- `x`: not available (not recorded, or no data).",
              "- `z`: not applicable (for example a percentage of nothing).",
              "- A percentage is given only where both its numerator and its denominator are; otherwise it is `c`.",
              "", "## Disclosure control", "",
              f"Counts of concerns or of people at risk from 1 to {threshold} are hidden (`c`), and enough other "
              "counts beside them that none can be worked out from everything published at once: every table, "
              "every period, the totals, and a year with its quarters. Zero is shown as zero, and every row is "
              "listed in every period, in a fixed order, so neither a row's presence nor its place says anything.",
              "",
              "Council-wide figures about the process (concerns raised, reviewed within the target, late, overdue, "
              "the median hours) say nothing about any one person and are published as they are.", "",
              f"Staff figures (training and the staff survey): a group with fewer than {min_group} people in its "
              "denominator is hidden whole, and where a hidden group could be worked out from a total, the next "
              "smallest group is hidden too. Council-wide staff figures are published.", "",
              f"Totals are the published totals, never sums of hidden parts. Timeliness is judged at the "
              f"{target}-hour target.", "",
              "Text that a spreadsheet would read as a formula (starting with =, +, -, @) is written with a leading "
              "apostrophe.", "", "## Definitions", ""]
    # the glossary's own suppression wording names the default threshold; the section above names this one
    terms = dict.fromkeys(["financial_year"] + [k for ds in sets for k in ds.terms] + ["symbols"])
    for key in terms:
        term = glossary.term(key)
        lines += [f"- **{term.name}**: {term.definition}"]
    return "\n".join(lines) + "\n"
