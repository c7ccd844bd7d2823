"""Plain-English sentences written from the briefing's figures.

The Overview page and the briefing documents print the same sentences, so the
paper says exactly what the dashboard says. A change in a share is called a
change only when the 95% intervals do not overlap (metrics.md).
"""

from __future__ import annotations

from typing import Optional

import pandas as pd

from .stats import Share, describe_change, is_clear_change

SUPPRESSED = "[c]"


def _count(v) -> str:
    return SUPPRESSED if v is None else f"{v:,}"


def share_of(d: Optional[dict]) -> Optional[Share]:
    if not d or d.get("count") is None or d.get("of") is None:
        return None
    return Share(int(d["count"]), int(d["of"]))


def share_text(d: Optional[dict], interval: bool = False) -> str:
    if d is None:
        return "[x]"
    s = share_of(d)
    if s is None:
        return SUPPRESSED
    return s.format(interval=interval)


def headline_question(survey: Optional[dict]) -> Optional[dict]:
    """The survey question the Overview leads with: confidence in raising a concern."""
    if not survey or not survey.get("questions"):
        return None
    for q in survey["questions"]:
        if "confident" in q["question_id"]:
            return q
    return survey["questions"][0]


def green_or_better(sa: Optional[dict]) -> Optional[dict]:
    """Standards rated Green or better, of all the year's standards (sg_data.views.self_assessment defines it)."""
    return sa.get("green_or_better") if sa else None


def concerns_sentence(now: Optional[dict], before: Optional[dict], before_label: str) -> Optional[str]:
    if not now:
        return None
    total, prior = now["total"], (before or {}).get("total")
    if prior is None and before is not None:
        change = f"{_count(total)} concerns were raised ({before_label}: {SUPPRESSED})"
    elif before is None:
        change = f"{_count(total)} concerns were raised; there are none recorded for {before_label} to compare with"
    elif total is None:
        change = f"{SUPPRESSED} concerns were raised, against {_count(prior)} in {before_label}"
    elif total > prior:
        change = f"Concerns rose from {prior:,} in {before_label} to {total:,}"
    elif total < prior:
        change = f"Concerns fell from {prior:,} in {before_label} to {total:,}"
    else:
        change = f"Concerns were level with {before_label} at {total:,}"
    top = [s for s in now.get("by_service", []) if s.get("count") is not None]
    lead = f"; {top[0]['service']} raised the most ({top[0]['count']:,})" if top else ""
    cats = [c for c in now.get("by_category", []) if c.get("count") is not None]
    cat = f". The most frequent category was {cats[0]['category']} ({cats[0]['count']:,})" if cats else ""
    return change + lead + cat + "."


def share_sentence(label: str, now: Optional[dict], before: Optional[dict], before_label: str) -> Optional[str]:
    s_now, s_before = share_of(now), share_of(before)
    if now is None:
        return None
    if s_now is None:
        return f"{label}: {SUPPRESSED} (hidden because the numbers are small)."
    text = f"{label}: {s_now.format()}"
    if s_before is not None and s_before.of and s_now.of:
        text += f"; against {before_label}, {describe_change(s_before, s_now)}"
    return text + "."


def sentences(brief: dict, comparison: Optional[dict] = None) -> list[str]:
    """The Overview's plain-English summary of a briefing, against a comparison briefing."""
    comparison = comparison or {}
    before_label = comparison.get("period", {}).get("label", "the comparison period")
    out = []
    c = concerns_sentence(brief.get("concerns"), comparison.get("concerns"), before_label)
    out.append(c or f"No concerns are recorded for {brief['period']['label']}.")
    t = brief.get("timeliness")
    if t:
        s = share_sentence(f"Reviewed within {t['target_hours']} hours", t["reviewed_within_target"],
                           (comparison.get("timeliness") or {}).get("reviewed_within_target"), before_label)
        overdue = t.get("overdue_unreviewed")
        if overdue:
            s += f" {_count(overdue)} concerns are overdue and not yet reviewed."
        elif overdue is None:
            s += f" {SUPPRESSED} concerns are overdue and not yet reviewed."
        out.append(s)
    tr = brief.get("training")
    if tr:
        out.append(share_sentence(f"Required safeguarding training in date at {tr['snapshot_date']}", tr["coverage"],
                                  (comparison.get("training") or {}).get("coverage"), before_label))
    sv = brief.get("survey")
    q = headline_question(sv)
    if q:
        prev = headline_question(comparison.get("survey"))
        same_wave = comparison.get("survey") and comparison["survey"]["survey_id"] == sv["survey_id"]
        label = f"Staff survey {sv['survey_id']}, {q.get('text') or q['question_id']}"
        out.append(share_sentence(label, q["positive"], None if same_wave or not prev else prev["positive"],
                                  f"survey {comparison['survey']['survey_id']}" if comparison.get("survey") else ""))
    sa = brief.get("self_assessment")
    if sa:
        g = green_or_better(sa)
        out.append(f"Self-assessment {sa['year']}: {share_text(g)} standards rated Green or better.")
    return [s for s in out if s]


def _clear_fall(now: Optional[dict], before: Optional[dict]) -> Optional[tuple[Share, Share]]:
    a, b = share_of(before), share_of(now)
    if a is None or b is None or not a.of or not b.of:
        return None
    return (a, b) if is_clear_change(a, b) and b.proportion < a.proportion else None


def questions(brief: dict, comparison: Optional[dict] = None) -> list[str]:
    """The exceptions a cabinet member should ask about, each as the question to ask: overdue reviews, clear falls,
    standards below Green and outcomes whose denominator is missing. Empty when there is nothing to ask."""
    comparison = comparison or {}
    before_label = comparison.get("period", {}).get("label", "the comparison period")
    label = brief["period"]["label"]
    out = []
    t = brief.get("timeliness") or {}
    if "overdue_unreviewed" in t:
        overdue = t["overdue_unreviewed"]
        if overdue is None or overdue > 0:
            out.append(f"{_count(overdue)} concerns raised in {label} are overdue and not yet reviewed against the "
                       f"{t.get('target_hours', 24)}-hour target: which services hold them, and when will they be "
                       "reviewed?")
    pairs = [(f"Concerns reviewed within {t.get('target_hours', 24)} hours", t.get("reviewed_within_target"),
              (comparison.get("timeliness") or {}).get("reviewed_within_target")),
             ("Required training in date", (brief.get("training") or {}).get("coverage"),
              (comparison.get("training") or {}).get("coverage"))]
    for what, now, before in pairs:
        fall = _clear_fall(now, before)
        if fall:
            out.append(f"{what} fell clearly, from {fall[0].format()} in {before_label} to {fall[1].format()}: what "
                       "changed, and what is being done?")
    sa = brief.get("self_assessment")
    g = green_or_better(sa)
    if g and g.get("count") is not None and g.get("of") and g["count"] < g["of"]:
        below = g["of"] - g["count"]
        out.append(f"{below} of {g['of']} self-assessment standards ({sa['year']}) {'is' if below == 1 else 'are'} "
                   f"rated below Green: what is the plan for {'it' if below == 1 else 'each'}, and when will "
                   f"{'it' if below == 1 else 'they'} be rated again?")
    for o in brief.get("outcomes") or []:
        if o.get("sought") is None and "sought" not in (o.get("suppressed_fields") or []):
            out.append(f"{o['programme']} ({o['measure']}) did not record how many people it sought to work with: "
                       "without it, its reach cannot be judged. Can it be recorded?")
    return out


def denominators(brief: dict) -> pd.DataFrame:
    """The Overview's table of headline shares with their numerators and denominators ([c] where hidden)."""
    c, t, tr = brief.get("concerns"), brief.get("timeliness"), brief.get("training")
    q = headline_question(brief.get("survey"))
    target = t["target_hours"] if t else 24
    rows = []
    for name, d in (("Referred externally", c and c["referred_externally"]),
                    (f"Reviewed within {target} hours", t and t["reviewed_within_target"]),
                    ("Required training in date", tr and tr["coverage"]),
                    ("Staff confident raising a concern", q and q["positive"])):
        if not d:
            continue
        share = share_of(d)
        rows.append({"figure": name, "count": d.get("count"), "of": d.get("of"),
                     "share": share.format(interval=True) if share else SUPPRESSED})
    table = pd.DataFrame(rows, columns=["figure", "count", "of", "share"])
    table["count_suppressed"] = table["count"].isna()
    table["of_suppressed"] = table["of"].isna()
    return table
