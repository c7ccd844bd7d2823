"""Self-assessment ratings: the audit year a period uses, and the share rated Green or better."""

from __future__ import annotations

from typing import Optional

import re

import pandas as pd

from ..periods import Period
from ..present import is_missing
from .common import share_label

#: the rating scale, best first (data-contract.md: Red < Amber < Green < Blue), declared once
SCALE = ("Blue", "Green", "Amber", "Red")
NOT_ASSESSED = "Not assessed"
ORDER = SCALE + (NOT_ASSESSED,)
RANK = {r: len(SCALE) - i for i, r in enumerate(SCALE)}
GOOD = ("Blue", "Green")


def year_for(ratings: pd.DataFrame, period: Period) -> Optional[str]:
    """The latest audit year that ends on or before the period's end (metrics.md)."""
    if ratings is None or ratings.empty:
        return None
    ends = ratings.dropna(subset=["year_end_date"]).groupby("year")["year_end_date"].max()
    ends = ends[pd.to_datetime(ends).dt.date <= period.end]
    if ends.empty:
        return None
    return max((pd.Timestamp(d), y) for y, d in ends.items())[1]


def green_or_better(ratings: pd.DataFrame, year: str) -> dict:
    """Standards rated Blue or Green of all the year's standards; one not assessed counts in the denominator."""
    part = ratings[ratings["year"] == year]
    return {"count": int(part["rating"].isin(GOOD).sum()), "of": int(len(part))}


def section(figures, period: Period) -> Optional[dict]:
    ratings = figures.get("self_assessment_ratings")
    year = year_for(ratings, period)
    if year is None:
        return None
    part = ratings[ratings["year"] == year]
    return {
        "year": year,
        "frameworks": sorted(part["framework"].unique().tolist()),
        "ratings": [{"standard_id": r["standard_id"], "area": r["area"], "standard": r["standard"],
                     "framework": r["framework"], "rating": r["rating"], "source": r["rating_source"]}
                    for r in part.to_dict("records")],
        "green_or_better": green_or_better(ratings, year),
    }


# --- the page -------------------------------------------------------------------------------------

def year_order(ratings: pd.DataFrame) -> list[str]:
    return (ratings.groupby("year")["year_end_date"].max().sort_values().index.tolist())


def framework_spans(ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per framework in the order the council used them: first and last year, years."""
    if ratings.empty:
        return pd.DataFrame(columns=["framework", "first_year", "last_year", "years", "start"])
    years = ratings.groupby(["framework", "year"], as_index=False)["year_end_date"].max()
    rows = []
    for fw, part in years.groupby("framework"):
        part = part.sort_values("year_end_date")
        rows.append({"framework": fw, "first_year": part["year"].iloc[0], "last_year": part["year"].iloc[-1],
                     "years": len(part), "start": part["year_end_date"].iloc[0]})
    return pd.DataFrame(rows).sort_values("start").reset_index(drop=True)


def _audit_name(framework: str) -> str:
    """`Section 11 (OSCB)` -> `the Section 11 (OSCB) audit`; other names are used as they are."""
    return f"the {framework} audit" if "audit" not in framework.lower() and "assessment" not in framework.lower() \
        else f"the {framework}"


def framework_change_sentences(ratings: pd.DataFrame) -> list[str]:
    spans = framework_spans(ratings)
    out = []
    for prev, nxt in zip(spans.itertuples(), spans.iloc[1:].itertuples()):
        out.append(f"In {nxt.first_year} the council moved from {_audit_name(prev.framework)} "
                   f"({prev.first_year} to {prev.last_year}) to {_audit_name(nxt.framework)}. Standards are "
                   "compared across years only within one framework; across the two, compare the share of "
                   "standards at each rating.")
    return out


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(text)))


def moderation(self_rating, peer_rating) -> str:
    """How peer review treated the council's own rating."""
    if is_missing(peer_rating) or not str(peer_rating).strip():
        return "not peer reviewed: own rating shown"
    s, p = RANK.get(str(self_rating)), RANK.get(str(peer_rating))
    if s is None or p is None or s == p:
        return "confirmed by peer review" if s == p else "peer rating shown"
    return "moderated up by peer review" if p > s else "moderated down by peer review"


_ARROW = {"moderated up by peer review": " ↑", "moderated down by peer review": " ↓",
          "not peer reviewed: own rating shown": " (own)"}


def matrix_years(part: pd.DataFrame) -> list[str]:
    """The years a framework's grid spans, in date order (matrix_frame's order)."""
    return part["year"].drop_duplicates().tolist()


def matrix_frame(ratings: pd.DataFrame, framework: str) -> pd.DataFrame:
    """One framework's standards by years: x = year in date order, y = `standard_id standard`, cell text."""
    part = ratings[ratings["framework"] == framework].copy()
    if part.empty:
        return part.assign(standard_label=[], cell=[], moderation=[])
    part["standard_label"] = part["standard_id"].astype(str) + " " + part["standard"].astype(str)
    part["moderation"] = [moderation(s, p) for s, p in zip(part["self_rating"], part["peer_rating"])]
    part["cell"] = part["rating"].astype(str) + part["moderation"].map(lambda m: _ARROW.get(m, ""))
    first = part.groupby("standard_label")["year_end_date"].min()
    part["_first"] = part["standard_label"].map(first)
    part["_nat"] = part["standard_id"].map(_natural)
    part = part.sort_values(["year_end_date", "_first", "_nat"])
    # rows in the order standards first appear, then by number; columns in date order
    labels = (part.sort_values(["_first", "_nat"])["standard_label"].drop_duplicates().tolist())
    part["standard_label"] = pd.Categorical(part["standard_label"], categories=labels, ordered=True)
    part = part.sort_values(["year_end_date", "standard_label"]).drop(columns=["_first", "_nat"])
    part["standard_label"] = part["standard_label"].astype(str)
    return part.reset_index(drop=True)


def self_vs_peer(ratings: pd.DataFrame, year: str) -> pd.DataFrame:
    part = ratings[ratings["year"] == year].copy()
    part["_nat"] = part["standard_id"].map(_natural)
    part = part.sort_values(["framework", "_nat"])
    out = pd.DataFrame({
        "Standard": (part["standard_id"].astype(str) + " " + part["standard"].astype(str)).tolist(),
        "Rating shown": part["rating"].tolist(),
        "Source": part["rating_source"].tolist(),
        "Self rating": part["self_rating"].fillna("").tolist(),
        "Peer rating": part["peer_rating"].fillna("not peer reviewed").tolist(),
        "Peer review": [moderation(s, p) for s, p in zip(part["self_rating"], part["peer_rating"])],
        "Area": part["area"].tolist(),
    })
    return out


def rating_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Share of standards at each rating per year, years in date order, best rating first."""
    out = shares.sort_values(["year_end_date", "rating_rank"], ascending=[True, False]).copy()
    out["label"] = [share_label(c, n, interval=False) for c, n in zip(out["standards"], out["of_standards"])]
    out["standards"] = out["standards"].astype("Int64")
    out["of_standards"] = out["of_standards"].astype("Int64")
    return out.reset_index(drop=True)


def rating_counts(ratings: pd.DataFrame) -> str:
    counts = ratings["rating"].value_counts()
    return ", ".join(f"{r} {counts[r]}" for r in ORDER if r in counts.index)


def matrix_summary(part: pd.DataFrame, framework: str) -> str:
    years = part["year"].drop_duplicates().tolist()
    text = (f"Under {framework}, {part['standard_label'].nunique()} standards over {len(years)} years "
            f"({years[0]} to {years[-1]}); ratings shown: {rating_counts(part)}.")
    weak = part[~part["rating"].isin(GOOD)]
    if weak.empty:
        return text + " Every standard was rated Green or better in every year."
    return text + " Below Green: " + "; ".join(f"{r.standard_id} {r.rating} in {r.year}" for r in weak.itertuples()) + "."


def matrix_table(part: pd.DataFrame) -> pd.DataFrame:
    table = part[["year", "standard_label", "rating", "rating_source", "self_rating", "peer_rating", "moderation",
                  "area"]].rename(columns={"standard_label": "standard", "rating": "rating_shown",
                                           "rating_source": "source", "moderation": "peer_review"})
    table["peer_rating"] = table["peer_rating"].fillna("")
    return table


def shares_summary(shares: pd.DataFrame, year: str) -> str:
    now = shares[shares["year"] == year]
    text = f"In {year}, the year used: " + ", ".join(f"{r.rating} {r.label}" for r in now.itertuples()) + "."
    below = shares[~shares["rating"].isin(GOOD)]["year"].drop_duplicates().tolist()
    return text + (" Years with any standard below Green: " + ", ".join(below) + "." if below
                   else " No year has a standard below Green.")


def shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    from .common import with_flags

    return (with_flags(shares[["year", "framework", "rating", "standards", "of_standards", "label"]],
                       ["standards", "of_standards"]).rename(columns={"label": "Share"}))


def year_figures(ratings: pd.DataFrame, year: str) -> list[tuple[str, str, str]]:
    """(label, figure, detail) for the year: Green or better (the one definition), from peer review, moderated."""
    now = ratings[ratings["year"] == year]
    good = green_or_better(ratings, year)
    peer = int((now["rating_source"] == "peer").sum())
    moderated = sum(moderation(s, p).startswith("moderated") for s, p in zip(now["self_rating"], now["peer_rating"]))
    return [(f"Standards Green or better, {year}", share_label(good["count"], good["of"], interval=False),
             f"Framework: {', '.join(sorted(now['framework'].unique()))}."),
            ("Rating from peer review", share_label(peer, len(now), interval=False),
             "The rest show the council's own rating."),
            ("Moderated by peer review", f"{moderated} of {peer}",
             "Standards where the peer rating differs from the council's own.")]


def year_sentence(ratings: pd.DataFrame, table: pd.DataFrame, year: str) -> str:
    now = ratings[ratings["year"] == year]
    sources = table["Source"].value_counts()
    moderated_rows = table[table["Peer review"].str.startswith("moderated")]
    sentence = (f"In {year}, {len(table)} standards: {rating_counts(now)}; rating shown from peer review for "
                f"{sources.get('peer', 0)}, the council's own for {sources.get('self', 0)}. ")
    if not len(moderated_rows):
        return sentence + "Peer review moderated no rating."
    return sentence + "Peer review moderated " + "; ".join(
        f"{r['Standard'].split(' ')[0]} {r['Peer review'].split(' by')[0].replace('moderated ', '')} from "
        f"{r['Self rating']} to {r['Peer rating']}" for r in moderated_rows.to_dict("records")) + "."


def year_end(ratings: pd.DataFrame, year: str):
    return ratings[ratings["year"] == year]["year_end_date"].max()
