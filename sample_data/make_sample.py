#!/usr/bin/env python3
"""Write the sample council's exports into sample_data/ (this script's folder).

A fictional city council ("the council") that stands in for a real one. Every
figure in docs/published-figures.md that the data contract can hold is
reproduced exactly; everything else is made up, plausible and deterministic.
README.md (same folder) says, figure by figure, where each published figure
lives and lists the deliberate faults.

Reproduced:
  concerns   276 valid concerns raised in 2023-24; services ranked Business
             Improvement > Housing Services > Community Safety > rest; categories
             ranked Child Safeguarding > Self-Neglect > Suicidal threat >
             Mental Ill Health > Domestic Abuse > rest (gaps of 3 or more).
  training   2023: 425 staff completed Safeguarding awareness on 28 briefing
             dates; 15 councillors at 2 briefings (May and July); 85 staff
             completed Domestic abuse awareness; Locality hub 100% trained in
             the first 4 weeks of the 2020 lockdown.
  survey     2014-15: 29 respondents; 2015-16: 162 respondents with 100/97/85/
             70/93/50 %; 2023: 384 respondents.
  self-assessment  2012, 2013, 2014-15, 2015-16, 2017-2020, 2023 as published.
  outcomes   2020-21 Mental health tenancy support 41/27/13/6 and 5 avoided
             readmission; Make Every Adult Matter 2023-24: 12 engaged.

Only the standard library is needed, plus openpyxl for the one XLSX file.
Run from the repository root:  python sample_data/make_sample.py
Same bytes every run: fixed seeds, no clock, fixed timestamps inside the XLSX.
"""
from __future__ import annotations

import calendar
import csv
import io
import math
import random
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent
SEED = 20240331

FIRST_FY, LAST_FY = 2019, 2026          # 2019-20 .. 2026-27 (Q1-Q2 only)
START = date(2019, 4, 1)                 # first day of the concern and training data
END = date(2026, 9, 30)                  # last day of the data (2026-27 Q2)
AS_OF = datetime(2026, 9, 30, 16, 45)    # latest raised_at in the concerns store

# --------------------------------------------------------------------------
# Services and categories
# --------------------------------------------------------------------------
SERVICES = [
    "Business Improvement", "Housing Services", "Community Safety", "Communities",
    "Environmental Health", "Regulatory Services", "Planning", "Licensing",
    "Oxford Direct Services", "Councillors", "Leisure",
]
# Old service names found in older concern records, and the name each now reports under.
OLD_NAMES = {"Customer Services": "Business Improvement",
             "Direct Services": "Oxford Direct Services"}
CUSTOMER_SERVICES_UNTIL = datetime(2021, 4, 1)   # Contact Centre recorded as "Customer Services" before this
DIRECT_SERVICES_UNTIL = datetime(2020, 1, 1)     # ODS recorded as "Direct Services" before this
# Services whose staff are not on the council's HR system: no headcount, no training matrix.
NO_HEADCOUNT = {"Oxford Direct Services", "Leisure"}

TEAMS = {  # team: weight; "Café outreach" from 2022-23 only (see team_for)
    "Business Improvement": {"Contact Centre": 70, "Revenues and Benefits": 20, "Business Support": 10},
    "Housing Services": {"Tenancy Management": 35, "Housing Needs": 25, "Homeless Prevention": 20,
                         "Single Homeless and Rough Sleeping": 20},
    "Community Safety": {"Anti-Social Behaviour Investigation Team": 55, "Community Response Team": 45},
    "Communities": {"Youth Ambition": 40, "Localities": 30, "Refugee and Resettlement": 15,
                    "Café outreach": 15},
    "Environmental Health": {"Environmental Protection": 50, "Food and Safety": 50},
    "Regulatory Services": {"Private Sector Safety": 60, "Regulatory Enforcement": 40},
    "Planning": {"Development Management": 60, "Planning Enforcement": 40},
    "Licensing": {"Licensing – taxi": 60, "Licensing – HMO": 40},
    "Oxford Direct Services": {"Waste and Recycling": 40, "Parks and Open Spaces": 20,
                               "Responsive Repairs": 40},
    "Councillors": {"": 100},
    "Leisure": {"Leisure centres": 70, "Holiday activities": 30},
}

CATEGORIES = [  # category, statutory_category, subject_group
    ("Child Safeguarding", "Working Together: abuse or neglect of a child", "child"),
    ("Self-Neglect", "Care Act 2014: self-neglect", "adult"),
    ("Suicidal threat", "Wellbeing (non-statutory)", ""),
    ("Mental Ill Health", "Wellbeing (non-statutory)", ""),
    ("Domestic Abuse", "Care Act 2014: domestic abuse", ""),
    ("Homelessness risk", "Wellbeing (non-statutory)", "adult"),
    ("Hoarding", "Care Act 2014: self-neglect", "adult"),
    ("Financial Abuse", "Care Act 2014: financial or material abuse", "adult"),
    ("Exploitation", "Working Together: extra-familial harm (criminal exploitation)", ""),
    ("Anti-social behaviour with a vulnerability", "Wellbeing (non-statutory)", ""),
    ("Neglect", "Care Act 2014: neglect and acts of omission", ""),
    ("Other", "Wellbeing (non-statutory)", ""),
    ("Physical Abuse", "Care Act 2014: physical abuse", ""),
    ("Modern Slavery / Human Trafficking", "Care Act 2014: modern slavery", ""),
    ("Sexual Abuse", "Care Act 2014: sexual abuse", ""),
    ("Child Sexual Exploitation", "Working Together: sexual abuse (child sexual exploitation)", "child"),
    ("Radicalisation (Prevent)", "Prevent duty (Counter-Terrorism and Security Act 2015)", ""),
]
CATEGORY_NAMES = [c[0] for c in CATEGORIES]

# --------------------------------------------------------------------------
# Concerns
# --------------------------------------------------------------------------
CONCERNS_PER_FY = {2019: 158, 2020: 171, 2021: 204, 2022: 239, 2023: 276,
                   2024: 297, 2025: 318, 2026: 152}          # 2026-27: April-September only
MONTH_WEIGHTS = [0.95, 0.95, 0.92, 0.90, 0.62, 0.95,         # Apr..Sep (August dips)
                 1.10, 1.20, 1.05, 1.20, 1.12, 1.10]         # Oct..Mar (winter peak)
# The published 2023-24 figures, exactly (ranking gaps of 3 or more in the top five).
SERVICE_COUNTS_2023 = {
    "Business Improvement": 62, "Housing Services": 55, "Community Safety": 40,
    "Communities": 30, "Environmental Health": 20, "Regulatory Services": 17,
    "Licensing": 13, "Planning": 12, "Oxford Direct Services": 11, "Leisure": 9,
    "Councillors": 7,
}
CATEGORY_COUNTS_2023 = {
    "Child Safeguarding": 52, "Self-Neglect": 41, "Suicidal threat": 34,
    "Mental Ill Health": 29, "Domestic Abuse": 24, "Homelessness risk": 16,
    "Hoarding": 14, "Financial Abuse": 12, "Exploitation": 11,
    "Anti-social behaviour with a vulnerability": 9, "Neglect": 8, "Other": 7,
    "Physical Abuse": 6, "Modern Slavery / Human Trafficking": 4, "Sexual Abuse": 4,
    "Child Sexual Exploitation": 3, "Radicalisation (Prevent)": 2,
}
SERVICE_WEIGHTS = {  # other years: shares with noise
    "Business Improvement": 20, "Housing Services": 19, "Community Safety": 14,
    "Communities": 11, "Environmental Health": 7, "Regulatory Services": 6,
    "Licensing": 4.5, "Planning": 4.5, "Oxford Direct Services": 4.5, "Leisure": 4,
    "Councillors": 3,
}
AFFINITY = {  # service -> category -> how much likelier than average
    "Business Improvement": {"Suicidal threat": 2.0, "Mental Ill Health": 1.6, "Financial Abuse": 1.5,
                             "Homelessness risk": 1.3, "Self-Neglect": 1.2},
    "Housing Services": {"Self-Neglect": 2.2, "Hoarding": 3.0, "Domestic Abuse": 1.6,
                         "Homelessness risk": 2.0, "Mental Ill Health": 1.3, "Child Safeguarding": 0.8},
    "Community Safety": {"Anti-social behaviour with a vulnerability": 3.0, "Exploitation": 3.0,
                         "Domestic Abuse": 1.5, "Modern Slavery / Human Trafficking": 1.5,
                         "Radicalisation (Prevent)": 2.0},
    "Communities": {"Child Safeguarding": 2.5, "Child Sexual Exploitation": 2.0,
                    "Radicalisation (Prevent)": 1.5},
    "Environmental Health": {"Hoarding": 2.0, "Self-Neglect": 1.8, "Neglect": 1.4},
    "Regulatory Services": {"Modern Slavery / Human Trafficking": 2.5, "Hoarding": 1.5, "Self-Neglect": 1.3},
    "Planning": {"Other": 2.0, "Self-Neglect": 1.2},
    "Licensing": {"Child Sexual Exploitation": 3.0, "Modern Slavery / Human Trafficking": 2.0,
                  "Child Safeguarding": 1.5},
    "Oxford Direct Services": {"Self-Neglect": 1.5, "Hoarding": 1.5, "Child Safeguarding": 1.2},
    "Councillors": {"Homelessness risk": 1.5, "Mental Ill Health": 1.3, "Other": 1.5},
    "Leisure": {"Child Safeguarding": 2.8, "Physical Abuse": 1.2},
}
SUBJECT_GROUPS = {  # category -> (child, adult, unknown) weights
    "Child Safeguarding": (97, 0, 3), "Child Sexual Exploitation": (97, 0, 3),
    "Self-Neglect": (0, 97, 3), "Hoarding": (0, 97, 3), "Financial Abuse": (0, 97, 3),
    "Suicidal threat": (10, 85, 5), "Mental Ill Health": (8, 86, 6), "Domestic Abuse": (12, 80, 8),
    "Exploitation": (55, 40, 5), "Modern Slavery / Human Trafficking": (5, 85, 10),
    "Physical Abuse": (35, 60, 5), "Sexual Abuse": (40, 55, 5), "Neglect": (50, 45, 5),
    "Radicalisation (Prevent)": (40, 55, 5), "Homelessness risk": (5, 90, 5),
    "Anti-social behaviour with a vulnerability": (8, 85, 7), "Other": (20, 60, 20),
}
REFERRALS = {  # category -> [(referred_to, probability)]; "SOCIAL" = MASH for a child, else Adult Social Care
    "Child Safeguarding": [("SOCIAL", 0.55), ("Police", 0.05)],
    "Child Sexual Exploitation": [("SOCIAL", 0.75), ("Police", 0.15)],
    "Self-Neglect": [("SOCIAL", 0.45)],
    "Hoarding": [("SOCIAL", 0.35)],
    "Suicidal threat": [("Police", 0.25), ("Mental health crisis team", 0.30)],
    "Mental Ill Health": [("Mental health crisis team", 0.25), ("SOCIAL", 0.15)],
    "Domestic Abuse": [("Police", 0.30), ("MARAC", 0.15), ("SOCIAL", 0.15)],
    "Financial Abuse": [("SOCIAL", 0.45), ("Police", 0.10)],
    "Exploitation": [("Police", 0.40), ("SOCIAL", 0.25)],
    "Modern Slavery / Human Trafficking": [("Police", 0.60)],
    "Physical Abuse": [("SOCIAL", 0.55), ("Police", 0.15)],
    "Sexual Abuse": [("Police", 0.40), ("SOCIAL", 0.40)],
    "Neglect": [("SOCIAL", 0.50)],
    "Radicalisation (Prevent)": [("Police", 0.70)],
    "Homelessness risk": [("Housing Options", 0.60)],
    "Anti-social behaviour with a vulnerability": [("SOCIAL", 0.20), ("Police", 0.10)],
    "Other": [("SOCIAL", 0.10)],
}
EXACT_24H_FYS = [2020, 2022, 2023, 2023, 2025]   # one concern reviewed exactly 24:00:00 later, per entry
# The last days of September 2026, written by hand so the as-of time and the open clocks are known.
TAIL = [  # raised_at, reviewed_at (None = not yet reviewed)
    (datetime(2026, 9, 26, 11, 20), None),                          # overdue (Saturday)
    (datetime(2026, 9, 28, 10, 5), datetime(2026, 9, 28, 13, 40)),
    (datetime(2026, 9, 28, 15, 5), None),                           # overdue
    (datetime(2026, 9, 29, 9, 40), datetime(2026, 9, 29, 11, 15)),
    (datetime(2026, 9, 29, 14, 30), None),                          # overdue (26h15m at as-of)
    (datetime(2026, 9, 30, 9, 30), None),                           # clock running (7h15m)
    (datetime(2026, 9, 30, 11, 50), datetime(2026, 9, 30, 14, 20)),
    (AS_OF, None),                                                  # clock running (0h); the as-of time
]

# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------
SA, ENH, DSL, DA, PREVENT, BRIEFING = (
    "Safeguarding awareness", "Enhanced safeguarding", "Designated Safeguarding Lead",
    "Domestic abuse awareness", "Prevent", "Councillor safeguarding briefing")
COURSE_LEVEL = {SA: 1, ENH: 2, DSL: 3, DA: None, PREVENT: None, BRIEFING: 1}
SNAPSHOTS = [date(y, m, calendar.monthrange(y, m)[1])
             for y in range(2019, 2027) for m in (3, 6, 9, 12)
             if date(2019, 6, 30) <= date(y, m, calendar.monthrange(y, m)[1]) <= END]
CHURN_PER_QUARTER = 0.022
STAFF_SERVICES = {  # service: (staff on 2019-04-01, staff on 2026-09-30, [(role, weight, front line)])
    "Business Improvement": (150, 170, [
        ("Customer Service Advisor", 48, True), ("Contact Centre Team Leader", 6, True),
        ("Revenues and Benefits Officer", 26, True), ("ICT Officer", 12, False),
        ("Business Support Officer", 6, False), ("Service Manager", 2, False)]),
    "Housing Services": (182, 208, [
        ("Tenancy Management Officer", 24, True), ("Housing Needs Officer", 22, True),
        ("Homelessness Prevention Officer", 14, True), ("Rough Sleeping Navigator", 7, True),
        ("Housing Assistant", 20, False), ("Housing Team Leader", 9, True), ("Service Manager", 4, False)]),
    "Community Safety": (48, 58, [
        ("ASB Investigation Officer", 40, True), ("Community Response Officer", 40, True),
        ("Community Safety Team Leader", 12, True), ("Service Manager", 8, False)]),
    "Communities": (66, 78, [
        ("Youth Ambition Worker", 34, True), ("Community Development Officer", 26, True),
        ("Refugee Resettlement Caseworker", 14, True), ("Grants Officer", 16, False),
        ("Service Manager", 10, False)]),
    "Environmental Health": (40, 44, [
        ("Environmental Health Officer", 50, True), ("Technical Officer", 30, False),
        ("Business Support Officer", 14, False), ("Service Manager", 6, False)]),
    "Regulatory Services": (35, 40, [
        ("Private Sector Housing Officer", 50, True), ("Regulatory Enforcement Officer", 30, True),
        ("Business Support Officer", 14, False), ("Service Manager", 6, False)]),
    "Planning": (58, 64, [
        ("Planning Officer", 56, False), ("Planning Enforcement Officer", 18, True),
        ("Planning Technician", 20, False), ("Service Manager", 6, False)]),
    "Licensing": (16, 19, [
        ("Licensing Officer", 60, True), ("Licensing Enforcement Officer", 30, True),
        ("Service Manager", 10, False)]),
}
DA_REQUIRED_ROLES = {"Tenancy Management Officer", "Housing Needs Officer", "Homelessness Prevention Officer",
                     "Rough Sleeping Navigator", "Housing Team Leader"}
PREVENT_REQUIRED_SERVICES = {"Community Safety", "Communities"}
DSL_ROLES = {  # the four Designated Safeguarding Leads
    "Business Improvement": "Customer Services Manager",
    "Housing Services": "Housing Services Manager",
    "Community Safety": "Community Safety Manager",
    "Communities": "Communities and Localities Manager",
}
DSL_HANDOVER = date(2022, 3, 1)          # Housing DSL leaves; successor starts; trained 2022-05-18
DSL_SUCCESSOR_TRAINED = date(2022, 5, 18)
LEADING_ZERO_IDS = ["007731", "004512", "009120", "001873", "000942", "006605"]
LOCKDOWN_START = date(2020, 3, 23)
LOCKDOWN_PUSH_END = date(2020, 6, 30)
LOCALITY_HUB_OFFICERS = 14                # Communities, started 2020-03-23, trained in weeks 1-4
SA_2023_TARGET, DA_2023_TARGET = 425, 85
# 28 internal safeguarding briefings in 2023: every 2023 Safeguarding awareness completion is on one.
BRIEFINGS_2023_PER_MONTH = [2, 2, 2, 2, 2, 2, 2, 1, 3, 4, 4, 2]
COUNCILLOR_ELECTIONS = [(date(2021, 5, 6), 7), (date(2022, 5, 5), 6), (date(2024, 5, 2), 15),
                        (date(2025, 7, 10), 1)]             # (polling day, seats changing hands)
COUNCILLOR_BRIEFINGS = [(date(2017, 7, 18), 14), (date(2018, 6, 19), 12), (date(2018, 11, 13), 8),
                        (date(2019, 7, 16), 11), (date(2020, 10, 13), 12), (date(2021, 6, 22), 14),
                        (date(2022, 6, 14), 13), (date(2023, 5, 23), 9), (date(2023, 7, 11), 6),
                        (date(2024, 6, 18), 20), (date(2024, 9, 24), 9), (date(2025, 6, 17), 8),
                        (date(2025, 11, 4), 6), (date(2026, 6, 16), 12)]

# --------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------
Q_IDS = ["know_how_to_report", "aware_of_procedures", "confident_raising", "know_a_dso",
         "trained_past_3_years", "trained_past_12_months", "know_where_policy_is"]
WAVES = [  # survey_id, opened_on, closed_on, invited (None = unknown, "sim" = staff in post), respondents
    ("2014-15", date(2014, 12, 1), date(2015, 1, 30), None, 29),
    ("2015-16", date(2015, 10, 12), date(2015, 11, 13), 412, 162),
    ("2016", date(2016, 10, 10), date(2016, 11, 11), 588, 201),
    ("2017", date(2017, 10, 9), date(2017, 11, 10), 594, 236),
    ("2018", date(2018, 10, 8), date(2018, 11, 9), 600, 259),
    ("2019", date(2019, 10, 7), date(2019, 11, 8), "sim", 243),
    ("2020", date(2020, 10, 12), date(2020, 11, 13), "sim", 188),
    ("2021", date(2021, 10, 11), date(2021, 11, 12), "sim", 297),
    ("2022", date(2022, 10, 10), date(2022, 11, 11), "sim", 331),
    ("2023", date(2023, 10, 9), date(2023, 11, 10), "sim", 384),
    ("2024", date(2024, 10, 7), date(2024, 11, 8), "sim", 402),
    ("2025", date(2025, 10, 6), date(2025, 11, 7), "sim", 367),
]
WIDE_WAVE = "2019"
# 2015-16, exactly as published: question -> (positive, answered); respondents 162, blanks = 162 - answered.
SURVEY_2015_16 = {"know_how_to_report": (161, 161), "aware_of_procedures": (155, 160),
                  "confident_raising": (138, 162), "know_a_dso": (111, 159),
                  "trained_past_3_years": (151, 162), "trained_past_12_months": (79, 158)}
SURVEY_TARGETS = {  # other waves: positive share of answers, in Q_IDS order
    "2014-15": [0.90, 0.83, 0.72, None, 0.76, None, None],
    "2016": [0.98, 0.95, 0.86, 0.72, 0.92, 0.52, 0.84],
    "2017": [0.98, 0.96, 0.88, 0.74, 0.93, 0.55, 0.86],
    "2018": [0.99, 0.96, 0.89, 0.75, 0.94, 0.49, 0.87],
    "2019": [0.98, 0.95, 0.88, 0.73, 0.92, 0.47, 0.88],
    "2020": [0.95, 0.90, 0.68, 0.58, 0.96, 0.74, 0.80],   # the drop: first autumn of home working
    "2021": [0.97, 0.93, 0.82, 0.66, 0.93, 0.38, 0.85],
    "2022": [0.98, 0.95, 0.86, 0.70, 0.90, 0.41, 0.87],
    "2023": [0.99, 0.96, 0.90, 0.76, 0.94, 0.71, 0.90],
    "2024": [0.99, 0.96, 0.91, 0.78, 0.95, 0.46, 0.91],
    "2025": [0.98, 0.95, 0.89, 0.77, 0.93, 0.44, 0.90],
}
BLANK_RATE = [0.003, 0.01, 0.008, 0.015, 0.01, 0.02, 0.012]

# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def rng_for(*key) -> random.Random:
    """An independent, reproducible stream per purpose (string seeds hash with SHA-512)."""
    return random.Random("-".join(str(k) for k in (SEED,) + key))


def allocate(total: int, weights: dict) -> dict:
    """Split total into integers in proportion to weights (largest remainder, ties by order)."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    order = list(weights)
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), order.index(k)))[: total - sum(out.values())]:
        out[k] += 1
    return out


def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def weekday_on_or_after(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def rand_date(rng: random.Random, a: date, b: date) -> date:
    return a + timedelta(days=rng.randint(0, (b - a).days))


def weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


def fy_of(d) -> int:
    return d.year if d.month >= 4 else d.year - 1


def fy_label(y: int) -> str:
    return f"{y}-{(y + 1) % 100:02d}"


def iso_ts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else ""


def iso_t(t):
    return t.strftime("%Y-%m-%dT%H:%M") if t else ""


def uk_ts(t):
    return t.strftime("%d/%m/%Y %H:%M") if t else ""


def iso_d(d):
    return d.isoformat() if d else ""


def uk_d(d):
    return d.strftime("%d/%m/%Y") if d else ""


def write_csv(name: str, header, rows, encoding="utf-8", delimiter=",", newline="\n", trailing=()):
    with open(OUT / name, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)
        for line in trailing:  # written raw, e.g. the empty rows Excel leaves at the end
            f.write(line + newline)
    return name


# --------------------------------------------------------------------------
# Concerns
# --------------------------------------------------------------------------

def concern_times(rng, year, month, n, last_day=None):
    """n raised_at timestamps in a month: mostly weekday office hours, some evenings and weekends."""
    days = last_day or calendar.monthrange(year, month)[1]
    out = []
    for _ in range(n):
        while True:
            d = date(year, month, rng.randint(1, days))
            if d.weekday() >= 5 and rng.random() < 0.7:
                continue
            break
        r = rng.random()
        if d.weekday() >= 5:
            minute = rng.randint(8 * 60, 22 * 60)
        elif r < 0.86:
            minute = rng.randint(8 * 60 + 30, 17 * 60 + 30)
        elif r < 0.96:
            minute = rng.randint(17 * 60 + 31, 21 * 60 + 30)
        else:
            minute = rng.randint(7 * 60, 8 * 60 + 29)
        out.append(datetime.combine(d, time()) + timedelta(minutes=minute))
    return sorted(out)


def review_delay(rng, raised: datetime) -> timedelta:
    wd = raised.weekday()
    if (wd >= 5 or (wd == 4 and raised.hour >= 16)) and rng.random() < 0.3:
        monday = raised.date() + timedelta(days=(7 - wd) % 7 or 7)   # waits for Monday morning
        return datetime.combine(monday, time(8, 45)) + timedelta(minutes=rng.randint(0, 180)) - raised
    if rng.random() < 0.025:
        return timedelta(minutes=rng.randint(24 * 60 + 1, 72 * 60))   # late on a weekday
    hours = min(22.0, max(0.1, rng.lognormvariate(math.log(3.0), 0.9)))
    return timedelta(minutes=max(5, round(hours * 60)))


def office_hours(t: datetime, rng) -> datetime:
    """DSLs review and close between 07:30 and 21:30; anything later waits for the next morning."""
    morning = datetime.combine(t.date(), time(7, 30))
    if t < morning:
        return morning + timedelta(minutes=rng.randint(0, 150))
    if t > datetime.combine(t.date(), time(21, 30)):
        return morning + timedelta(days=1, minutes=rng.randint(0, 150))
    return t


def pair_services_categories(rng, services: dict, categories: dict):
    """Pair service and category units so both marginals stay exact, with realistic affinities."""
    remaining = dict(services)
    cats = [c for c, n in categories.items() for _ in range(n)]
    rng.shuffle(cats)
    pairs = []
    for c in cats:
        options = {s: n * AFFINITY.get(s, {}).get(c, 1.0) for s, n in remaining.items() if n > 0}
        s = weighted(rng, options)
        remaining[s] -= 1
        pairs.append((s, c))
    rng.shuffle(pairs)
    return pairs


def team_for(rng, service, raised):
    teams = dict(TEAMS[service])
    if "Café outreach" in teams and raised < datetime(2022, 4, 1):
        del teams["Café outreach"]
    if service != "Councillors" and rng.random() < 0.05:
        return ""
    return weighted(rng, teams)


def subject_group_for(rng, category):
    c, a, u = SUBJECT_GROUPS[category]
    return weighted(rng, {"child": c, "adult": a, "unknown": u})


def referral_for(rng, category, subject_group):
    r = rng.random()
    for dest, p in REFERRALS[category]:
        if r < p:
            if dest == "SOCIAL":
                return "MASH" if subject_group == "child" else "Adult Social Care"
            return dest
        r -= p
    return ""


def finish_concern(rng, c):
    """Fill review, referral, outcome and closure for a concern whose reviewed_at is set (or None)."""
    c["referred_to"] = referral_for(rng, c["category"], c["subject_group"]) if c["reviewed_at"] else ""
    if c["reviewed_at"] is None:
        c["outcome"], c["closed_at"] = "Open", None
        return c
    if c["referred_to"]:
        closed = c["reviewed_at"] + timedelta(days=rng.randint(1, 20), minutes=rng.randint(10, 600))
        outcome = "Referred"
    else:
        closed = c["reviewed_at"] + timedelta(minutes=rng.randint(10, 3 * 24 * 60))
        outcome = "Advice given" if rng.random() < 0.6 else "No further action"
    closed = office_hours(closed, rng)
    recent = c["raised_at"] > AS_OF - timedelta(days=21)
    if closed > AS_OF or (recent and rng.random() < 0.3):
        c["outcome"], c["closed_at"] = "Open", None
    else:
        c["outcome"], c["closed_at"] = outcome, closed
    return c


def recorded_service(c):
    """The name the recording system held at the time: old names before the restructures."""
    if c["service"] == "Business Improvement" and c["team"] == "Contact Centre" \
            and c["raised_at"] < CUSTOMER_SERVICES_UNTIL:
        return "Customer Services"
    if c["service"] == "Oxford Direct Services" and c["raised_at"] < DIRECT_SERVICES_UNTIL:
        return "Direct Services"
    return c["service"]


def make_concerns():
    rng = rng_for("concerns")
    concerns = []
    for fy in range(FIRST_FY, LAST_FY + 1):
        months = [(fy, m) for m in range(4, 13)] + [(fy + 1, m) for m in range(1, 4)]
        weights = {i: MONTH_WEIGHTS[i] * (1 + 0.004 * i) for i in range(12)}
        if fy == 2020:  # first lockdown: fewer concerns in April-May 2020
            weights[0] *= 0.7
            weights[1] *= 0.8
        if fy == LAST_FY:
            weights = {i: w for i, w in weights.items() if i < 6}
        per_month = allocate(CONCERNS_PER_FY[fy], weights)
        times = []
        for i, n in per_month.items():
            y, m = months[i]
            if (y, m) == (2026, 9):
                times += concern_times(rng, y, m, n - len(TAIL), last_day=25) + [t for t, _ in TAIL]
            else:
                times += concern_times(rng, y, m, n)
        times.sort()
        if fy == 2023:
            times[-1] = datetime(2024, 3, 31, 23, 59)     # last minute of 2023-24
            services, categories = SERVICE_COUNTS_2023, CATEGORY_COUNTS_2023
        else:
            services = allocate(len(times), {s: w * rng.uniform(0.85, 1.15) for s, w in SERVICE_WEIGHTS.items()})
            categories = allocate(len(times), {c: n * rng.uniform(0.8, 1.2) for c, n in CATEGORY_COUNTS_2023.items()})
        if fy == 2024:
            times[0] = datetime(2024, 4, 1, 0, 0)          # first minute of 2024-25
        pairs = pair_services_categories(rng, services, categories)
        tail = dict(TAIL)
        for t, (service, category) in zip(times, pairs):
            c = {"raised_at": t, "service": service, "category": category,
                 "team": team_for(rng, service, t), "subject_group": subject_group_for(rng, category)}
            c["reviewed_at"] = tail[t] if t in tail else office_hours(t + review_delay(rng, t), rng)
            concerns.append(c)
    concerns.sort(key=lambda c: c["raised_at"])
    # A few reviews at exactly 24:00:00, on weekday concerns in the given years.
    taken = set()
    for fy in EXACT_24H_FYS:
        pool = [i for i, c in enumerate(concerns) if fy_of(c["raised_at"]) == fy and i not in taken
                and c["raised_at"].weekday() < 4 and 9 <= c["raised_at"].hour < 16
                and c["raised_at"].minute != 59]
        i = rng.choice(pool)
        taken.add(i)
        concerns[i]["reviewed_at"] = concerns[i]["raised_at"] + timedelta(hours=24)
    # Make sure the non-ASCII team names appear in the Windows-1252 file.
    for team, service in (("Café outreach", "Communities"), ("Licensing – taxi", "Licensing")):
        in_2023 = [c for c in concerns if fy_of(c["raised_at"]) == 2023 and c["service"] == service]
        if not any(c["team"] == team for c in in_2023):
            in_2023[0]["team"] = team
    for c in concerns:
        finish_concern(rng, c)
        c["recorded_service"] = recorded_service(c)
        c["fault"] = None
    assert max(max(c["raised_at"], c["reviewed_at"] or c["raised_at"]) for c in concerns) == AS_OF
    return concerns


def concern_faults():
    """Rows that break the contract. Each carries its own concern_id; none is one of the valid concerns."""
    base = dict(team="", subject_group="adult", referred_to="", outcome="Advice given", closed_at=None)
    f = []
    f.append(dict(base, raised_at=datetime(2021, 11, 16, 10, 42), service="Housing Services",
                  team="Tenancy Management", category="Self-Neglect",
                  reviewed_at=datetime(2021, 11, 15, 16, 5), closed_at=datetime(2021, 11, 17, 9, 0),
                  fault="reviewed_before_raised", file="concerns_2019-23.csv"))
    f.append(dict(base, raised_at=datetime(2022, 6, 7, 13, 10), service="Environmental Health",
                  team="Environmental Protection", category="Self-Neglect",
                  reviewed_at=datetime(2022, 6, 7, 15, 30), closed_at=datetime(2022, 6, 8, 10, 0),
                  fault="duplicate_id", file="concerns_2019-23.csv"))
    f.append(dict(base, raised_at=datetime(2022, 6, 7, 13, 10), service="Environmental Health",
                  team="Food and Safety", category="Hoarding",
                  reviewed_at=datetime(2022, 6, 7, 16, 45), referred_to="Adult Social Care",
                  outcome="Referred", closed_at=datetime(2022, 6, 14, 11, 0),
                  fault="duplicate_id", file="concerns_2019-23.csv"))
    f.append(dict(base, raised_at=datetime(2023, 10, 9, 14, 20), service="Community Safety",
                  team="Community Response Team", category="Domestic Abuse",
                  reviewed_at=datetime(2023, 10, 9, 9, 5), referred_to="Police", outcome="Referred",
                  closed_at=datetime(2023, 10, 12, 12, 0),
                  fault="reviewed_before_raised", file="concerns_2023-24.csv"))
    f.append(dict(base, raised_at=datetime(2024, 2, 29, 14, 5), service="Housing Services",
                  team="Housing Needs", category="Homelessness risk",
                  reviewed_at=datetime(2024, 3, 1, 10, 10), referred_to="Housing Options", outcome="Referred",
                  closed_at=datetime(2024, 3, 5, 9, 30), bad_raised_at="31/02/2024 14:05",
                  fault="unparseable_date", file="concerns_2023-24.csv"))
    f.append(dict(base, raised_at=datetime(2025, 1, 14, 11, 35), service="", team="",
                  category="Financial Abuse", reviewed_at=datetime(2025, 1, 14, 15, 0),
                  closed_at=datetime(2025, 1, 15, 9, 20),
                  fault="missing_service", file="concerns_2024-27.csv"))
    for c in f:
        c["recorded_service"] = c["service"]
    return f


def concern_file_for(c):
    if c.get("file"):
        return c["file"]
    t = c["raised_at"]
    if t < datetime(2023, 4, 1):
        return "concerns_2019-23.csv"
    if t < datetime(2024, 4, 1):
        return "concerns_2023-24.csv"
    return "concerns_2024-27.csv"


def write_concerns(concerns):
    rng = rng_for("concern-files")
    faults = concern_faults()
    rows = sorted(concerns + faults, key=lambda c: c["raised_at"])
    n, prev = 0, None
    for c in rows:  # the recording system numbers concerns in order; the duplicate pair share one
        if not (c["fault"] == "duplicate_id" and prev is not None and prev["fault"] == "duplicate_id"):
            n += 1
        c["concern_id"] = f"MC-{n:06d}"
        prev = c
    files = {}
    for c in rows:
        files.setdefault(concern_file_for(c), []).append(c)

    def fields(c, fmt, unknown="unknown"):
        raised = c.get("bad_raised_at") or fmt(c["raised_at"])
        return [c["concern_id"], raised, c["recorded_service"], c["team"], c["category"],
                c["subject_group"] if c["subject_group"] != "unknown" else unknown,
                fmt(c["reviewed_at"]), c["referred_to"], c["outcome"], fmt(c["closed_at"])]

    header = ["concern_id", "raised_at", "service", "team", "category", "subject_group",
              "reviewed_at", "referred_to", "outcome", "closed_at"]
    written = []
    # 2019-20 to 2022-23: plain UTF-8, comma, ISO timestamps with seconds.
    written.append(write_csv("concerns_2019-23.csv", header,
                             [fields(c, iso_ts) for c in files["concerns_2019-23.csv"]]))
    # 2023-24: Excel on Windows: Windows-1252, semicolons, UK dates, loose headers, blank trailing rows.
    loose = ["Concern ID", "Raised At", " SERVICE ", "Team", "Category", "Subject Group",
             "Reviewed At", "Referred To", "Outcome", "Closed At"]
    written.append(write_csv("concerns_2023-24.csv", loose,
                             [fields(c, uk_ts, unknown="") for c in files["concerns_2023-24.csv"]],
                             encoding="cp1252", delimiter=";", newline="\r\n",
                             trailing=[";" * 9] * 3))
    # 2024-25 onwards: UTF-8 with BOM, ISO 'T' timestamps, plus columns the loader must drop.
    hdr = ["concern_id", "raised_at", "Recorded By System", "service", "team", "category",
           "subject_group", "Subject Name", "Postcode", "reviewed_at", "referred_to", "outcome", "closed_at"]
    out = []
    for c in files["concerns_2024-27.csv"]:
        f = fields(c, iso_t)
        postcode = f"OX{rng.randint(1, 4)} {rng.randint(1, 9)}ZZ"
        out.append(f[:2] + ["MyConcern 5"] + f[2:6] + ["REDACTED", postcode] + f[6:])
    written.append(write_csv("concerns_2024-27.csv", hdr, out, encoding="utf-8-sig", newline="\r\n"))
    locations = []
    for name, cs in files.items():
        for i, c in enumerate(cs):
            if c["fault"]:
                locations.append((name, i + 2, c["concern_id"], c["fault"]))
    return written, locations


# --------------------------------------------------------------------------
# Training: a simulated workforce, then one matrix per quarter end
# --------------------------------------------------------------------------

class Person:
    def __init__(self, service, role, start, front_line, **kw):
        self.staff_id = ""
        self.service, self.role, self.start, self.front_line = service, role, start, front_line
        self.leave = None              # first day no longer in post
        self.dsl = kw.get("dsl", False)
        self.hub = kw.get("hub", False)
        self.protected = kw.get("protected", False)
        self.initial = kw.get("initial", False)
        self.done = {}                 # course -> sorted completion dates

    def present(self, d):
        return self.start <= d and (self.leave is None or d < self.leave)

    @property
    def manager(self):
        return "Manager" in self.role or "Team Leader" in self.role

    @property
    def da_required(self):
        return self.role in DA_REQUIRED_ROLES

    @property
    def prevent_required(self):
        return self.front_line and self.service in PREVENT_REQUIRED_SERVICES


def briefing_dates_2023():
    out = []
    for m, k in enumerate(BRIEFINGS_2023_PER_MONTH, start=1):
        days = [date(2023, m, d) for d in range(1, calendar.monthrange(2023, m)[1] + 1)
                if date(2023, m, d).weekday() in (1, 3) and date(2023, m, d) != date(2023, 12, 26)]
        if m == 12:
            days = [d for d in days if d.day <= 14]
        step = len(days) / k
        out += [days[int(step * i + step / 2)] for i in range(k)]
    assert len(out) == 28 and len(set(out)) == 28
    return out


BRIEFINGS_2023 = briefing_dates_2023()


def snap_to_briefing(d: date) -> date:
    """A 2023 completion happens at the next internal briefing; after the last one it slips to January."""
    for b in BRIEFINGS_2023:
        if b >= d:
            return b
    return weekday_on_or_after(date(2024, 1, 8) + timedelta(days=(d - BRIEFINGS_2023[-1]).days % 21))


def standard_lag(rng) -> int:
    r = rng.random()
    if r < 0.45:
        return -rng.randint(1, 75)
    if r < 0.82:
        return rng.randint(0, 60)
    if r < 0.96:
        return rng.randint(61, 180)
    return rng.randint(181, 420)


def catch_up(rng, nat: date) -> date:
    """An initial member of staff already lapsed on 2019-04-01 catches up some time later."""
    return START + timedelta(days=rng.randint(5, 300)) if nat < START else nat


def sa_next(p, prev, rng):
    due = add_years(prev, 3)
    if LOCKDOWN_START <= prev <= LOCKDOWN_PUSH_END:
        lag = int(rng.triangular(-20, 220, 60))    # the lockdown cohort lapses together in 2023: the dip
    else:
        lag = standard_lag(rng)
    nat = catch_up(rng, due + timedelta(days=lag))
    if (prev < LOCKDOWN_START and p.present(LOCKDOWN_START) and nat >= LOCKDOWN_START
            and due <= date(2021, 9, 30) and rng.random() < 0.8):
        nat = LOCKDOWN_START + timedelta(days=int(rng.triangular(7, 95, 20)))   # lockdown e-learning push
    elif due <= date(2024, 6, 30) and nat >= date(2023, 9, 1) and rng.random() < 0.6:
        nat = rand_date(rng, date(2023, 9, 1), date(2023, 12, 8))               # the autumn 2023 campaign
    nat = max(nat, prev + timedelta(days=30), p.start)
    return snap_to_briefing(nat) if nat.year == 2023 else nat


def enh_next(p, prev, rng):
    lag = standard_lag(rng) + (rng.randint(0, 90) if rng.random() < 0.3 else 0)
    return max(catch_up(rng, add_years(prev, 3) + timedelta(days=lag)), prev + timedelta(days=30))


def std_next(p, prev, rng):
    return max(catch_up(rng, add_years(prev, 3) + timedelta(days=standard_lag(rng))), prev + timedelta(days=30))


def dsl_next(p, prev, rng):
    return add_years(prev, 2) + timedelta(days=rng.randint(-40, 75))


NEXT = {SA: sa_next, ENH: enh_next, DSL: dsl_next, DA: std_next, PREVENT: std_next}


def chain(p, first, course, rng):
    """Completions from first onwards, each from the one before, while in post and within the data."""
    out, d = [], first
    while d is not None and d <= END and (p.leave is None or d < p.leave):
        out.append(d)
        d = NEXT[course](p, d, rng) if course not in p.one_off else None
    return out


def history_before_start(rng, p, recent_from, never=0.03, old=0.10):
    """First completion for someone in post on 2019-04-01: old, lapsed, or not yet done."""
    r = rng.random()
    if r < never:
        return START + timedelta(days=rng.randint(20, 400))
    if r < never + old:
        d = rand_date(rng, date(2014, 1, 1), date(2016, 3, 31))
    else:
        d = rand_date(rng, recent_from, date(2019, 3, 29))
    return max(d, p.start)


def make_workforce():
    rng = rng_for("workforce")
    people = []
    for service, (n0, _, roles) in STAFF_SERVICES.items():
        if service in DSL_ROLES:
            p = Person(service, DSL_ROLES[service], START - timedelta(days=rng.randint(4 * 365, 15 * 365)),
                       True, dsl=True, protected=True, initial=True)
            people.append(p)
            n0 -= 1
        counts = allocate(n0, {r: w for r, w, _ in roles})
        front = {r: fl for r, _, fl in roles}
        for role, k in counts.items():
            for _ in range(k):
                people.append(Person(service, role, START - timedelta(days=rng.randint(30, 16 * 365)),
                                     front[role], initial=True))
    initial = list(people)
    for p, sid in zip(rng.sample([p for p in initial if not p.dsl], len(LEADING_ZERO_IDS)), LEADING_ZERO_IDS):
        p.staff_id, p.protected = sid, True
        p.start = date(1998, 1, 5) + timedelta(days=rng.randint(0, 6 * 365))
    next_id = 10001
    for p in rng.sample(initial, len(initial)):
        if not p.staff_id:
            p.staff_id = f"E{next_id}"
            next_id += rng.randint(1, 6)

    def new_person(service, role, start, front_line, **kw):
        nonlocal next_id
        p = Person(service, role, start, front_line, **kw)
        p.staff_id = f"E{next_id}"
        next_id += rng.randint(1, 6)
        people.append(p)
        return p

    # The Housing DSL hands over on 2022-03-01.
    old = next(p for p in people if p.dsl and p.service == "Housing Services")
    old.leave = DSL_HANDOVER
    successor = new_person("Housing Services", DSL_ROLES["Housing Services"], DSL_HANDOVER, True,
                           dsl=True, protected=True)
    hub = [new_person("Communities", "Locality hub officer", LOCKDOWN_START, True, hub=True, protected=True)
           for _ in range(LOCALITY_HUB_OFFICERS)]

    # Quarterly turnover: leavers at random, joiners to follow each service's slow growth.
    qs = START
    while qs <= END:
        qe = date(qs.year, qs.month + 2, calendar.monthrange(qs.year, qs.month + 2)[1])
        span = (qe - qs).days
        for service, (n0, n1, roles) in STAFF_SERVICES.items():
            for p in [p for p in people if p.service == service and p.present(qs) and p.leave is None]:
                guarded = p.protected and not (p.hub and qs >= date(2021, 1, 1))
                if not guarded and rng.random() < CHURN_PER_QUARTER:
                    p.leave = qs + timedelta(days=rng.randint(1, span))
            in_post = sum(1 for p in people if p.service == service and p.present(qe) and not p.hub)
            target = round(n0 + (n1 - n0) * (qe - START).days / (END - START).days)
            for _ in range(max(0, target - in_post)):
                role, _, fl = rng.choices(roles, weights=[w for _, w, _ in roles])[0]
                new_person(service, role, qs + timedelta(days=rng.randint(0, span)), fl)
        qs = qe + timedelta(days=1)

    # Completion histories, one independent stream per person and course.
    for p in people:
        r = rng_for("training", p.staff_id)
        p.one_off = set()
        # Safeguarding awareness, everyone.
        if p.hub:
            first = LOCKDOWN_START + timedelta(days=r.randint(1, 25))      # first 4 weeks of lockdown
        elif p.initial:
            first = history_before_start(r, p, date(2016, 4, 1))
        else:
            first = p.start + timedelta(days=r.randint(7, 90) if r.random() < 0.85 else r.randint(91, 270))
            first = snap_to_briefing(first) if first.year == 2023 else first
        p.done[SA] = chain(p, first, SA, r)
        # Enhanced safeguarding: front line required; a few others take it anyway.
        if p.front_line:
            first = (history_before_start(r, p, date(2016, 7, 1), never=0.10, old=0.10) if p.initial
                     else p.start + timedelta(days=r.randint(30, 300)))
            p.done[ENH] = chain(p, first, ENH, r)
        elif r.random() < 0.04:
            p.one_off.add(ENH)
            p.done[ENH] = chain(p, rand_date(r, max(p.start, date(2015, 1, 1)), END), ENH, r)
        # Designated Safeguarding Lead: the four DSLs, renewed every 2 years.
        if p.dsl:
            first = (DSL_SUCCESSOR_TRAINED if p is successor
                     else rand_date(r, date(2017, 10, 2), date(2019, 2, 28)))
            p.done[DSL] = chain(p, first, DSL, r)
        # Domestic abuse awareness: required in housing front-line roles; others by choice.
        if p.da_required:
            first = (history_before_start(r, p, date(2016, 6, 1), never=0.25, old=0.0) if p.initial
                     else p.start + timedelta(days=r.randint(60, 400)))
            p.done[DA] = chain(p, first, DA, r)
        elif r.random() < 0.05:
            p.one_off.add(DA)
            p.done[DA] = chain(p, rand_date(r, max(p.start, date(2015, 1, 1)), END), DA, r)
        # Prevent: front line in Community Safety and Communities; others by choice.
        if p.prevent_required:
            first = (history_before_start(r, p, date(2016, 6, 1), never=0.15, old=0.0) if p.initial
                     else p.start + timedelta(days=r.randint(30, 200)))
            p.done[PREVENT] = chain(p, first, PREVENT, r)
        elif r.random() < 0.07:
            p.one_off.add(PREVENT)
            p.done[PREVENT] = chain(p, rand_date(r, max(p.start, date(2015, 1, 1)), END), PREVENT, r)
        for course in list(p.done):          # a leaver's 2023 completions are not kept (see README)
            if p.leave and p.leave.year == 2023:
                p.done[course] = [d for d in p.done[course] if d.year != 2023]

    fix_2023(people, SA, SA_2023_TARGET, rng_for("fix", SA))
    fix_2023(people, DA, DA_2023_TARGET, rng_for("fix", DA))
    return people


def fix_2023(people, course, target, rng):
    """Move a few completions into or out of 2023 so the published 2023 count holds exactly."""
    dec31 = date(2023, 12, 31)

    def done_2023(p):
        return [d for d in p.done.get(course, []) if d.year == 2023]

    counted = [p for p in people if p.present(dec31) and done_2023(p)]
    per_date = {}
    for p in counted:
        per_date[done_2023(p)[0]] = per_date.get(done_2023(p)[0], 0) + 1
    if len(counted) > target:     # some slip into January 2024
        for p in rng.sample(counted, len(counted)):
            if len(counted) == target:
                break
            d = done_2023(p)[0]
            if p.done[course][0] == d or d < date(2023, 6, 1) or per_date[d] <= 1:
                continue
            per_date[d] -= 1
            i = p.done[course].index(d)
            new = weekday_on_or_after(date(2024, 1, 8) + timedelta(days=rng.randint(0, 45)))
            p.done[course] = p.done[course][:i] + chain(p, new, course, rng_for("refix", course, p.staff_id))
            counted.remove(p)
    elif len(counted) < target:   # some more come to an autumn session, managers first
        cands = [p for p in people if p.present(dec31) and not done_2023(p) and p.start <= date(2023, 11, 1)
                 and all(d <= date(2021, 12, 31) or d.year >= 2024 for d in p.done.get(course, []))]
        cands.sort(key=lambda p: (not p.manager, p.service != "Housing Services", rng.random()))
        for p in cands[: target - len(counted)]:
            lo = max(p.start + timedelta(days=7), date(2023, 9, 1) if course == SA else date(2023, 1, 9))
            new = weekday_on_or_after(rand_date(rng, lo, date(2023, 12, 8)))
            if course == SA:
                new = snap_to_briefing(new)
            keep = [d for d in p.done.get(course, []) if d < new]
            if course in getattr(p, "one_off", set()) and course != SA:
                p.one_off.discard(course)
            p.done[course] = keep + chain(p, new, course, rng_for("refix", course, p.staff_id))
            counted.append(p)
    got = [p for p in people if p.present(dec31) and done_2023(p)]
    assert len(got) == target, (course, len(got))
    assert all(len(done_2023(p)) == 1 for p in got)
    assert not any(done_2023(p) for p in people if not p.present(dec31)), course


def make_councillors():
    rng = rng_for("councillors")
    members = []
    next_id = 1001

    def new_member(start):
        nonlocal next_id
        p = Person("Councillors", "Councillor", start, False)
        p.staff_id = f"C{next_id}"
        next_id += rng.randint(1, 9)
        p.done[BRIEFING] = []
        members.append(p)
        return p

    seats = [new_member(date(2012, 5, 4) + timedelta(days=rng.randint(0, 6 * 365))) for _ in range(48)]
    for p in rng.sample(seats, 10):
        p.role = "Cabinet Member"
    seats[0].role = "Leader of the Council"
    for polling_day, changes in COUNCILLOR_ELECTIONS:
        going = rng.sample([p for p in seats if p.role == "Councillor"], changes)
        for p in going:
            p.leave = polling_day
            seats[seats.index(p)] = new_member(polling_day + timedelta(days=1))
    for when, n in COUNCILLOR_BRIEFINGS:
        eligible = [p for p in members if p.present(when)]
        if when == date(2023, 7, 11):   # the second 2023 briefing is for those who missed May
            eligible = [p for p in eligible if date(2023, 5, 23) not in p.done[BRIEFING]]

        def key(p):
            in_date = any(d > add_years(when, -3) for d in p.done[BRIEFING])
            return rng.random() ** (1 / (1 if in_date else 4))
        for p in sorted(eligible, key=key, reverse=True)[:n]:
            p.done[BRIEFING].append(when)
    for when in (date(2023, 5, 23), date(2023, 7, 11)):
        assert all(p.present(date(2023, 12, 31)) for p in members if when in p.done[BRIEFING])
    return members


def latest(dates, on):
    past = [d for d in dates if d <= on]
    return past[-1] if past else None


def matrix_rows(people, members, snap):
    """The training matrix on one snapshot date: one row per person per listed course."""
    rows = []
    order = {s: i for i, s in enumerate(SERVICES)}
    for p in sorted([p for p in people + members if p.present(snap)],
                    key=lambda p: (order[p.service], p.staff_id)):
        listed = []
        if p.service == "Councillors":
            listed.append((BRIEFING, True))
        else:
            listed.append((SA, True))
            if p.front_line:
                listed.append((ENH, True))
            elif latest(p.done.get(ENH, []), snap):
                listed.append((ENH, False))
            if p.dsl:
                listed.append((DSL, True))
            for course, required in ((DA, p.da_required), (PREVENT, p.prevent_required)):
                if required or latest(p.done.get(course, []), snap):
                    listed.append((course, required))
        for course, required in listed:
            done = latest(p.done.get(course, []), snap)
            expires = add_years(done, 2) if (course == DSL and done) else None
            rows.append([snap, p.staff_id, p.service, p.role, course, COURSE_LEVEL[course],
                         required, done, expires])
    return rows


def write_training(people, members):
    header = ["snapshot_date", "staff_id", "service", "role", "course", "level", "required",
              "completed_on", "expires_on"]
    written, faults = [], []

    def csv_row(r, fmt):
        return [fmt(r[0]), r[1], r[2], r[3], r[4], "" if r[5] is None else r[5],
                "Y" if r[6] else "N", fmt(r[7]), fmt(r[8])]

    # 2019-2022: UK dates (dd/mm/yyyy), as the HR system exported them then.
    rows = []
    for snap in [s for s in SNAPSHOTS if s.year <= 2022]:
        block = [csv_row(r, uk_d) for r in matrix_rows(people, [], snap) + matrix_rows([], members, snap)]
        if snap == date(2022, 3, 31):   # a row with no staff_id
            block.insert(200, ["31/03/2022", "", "Housing Services", "Housing Assistant", SA, 1, "Y",
                               "14/02/2022", ""])
            faults.append(("training_2019-2022.csv", len(rows) + 200 + 2, "blank staff_id"))
        rows += block
    written.append(write_csv("training_2019-2022.csv", header, rows))
    # 2023 to June 2026: ISO dates.
    rows = []
    for snap in [s for s in SNAPSHOTS if 2023 <= s.year and s < END]:
        block = [csv_row(r, iso_d) for r in matrix_rows(people, [], snap) + matrix_rows([], members, snap)]
        if snap == date(2023, 12, 31):  # an impossible date on an extra Prevent row for someone in Planning
            who = next(p for p in sorted(people, key=lambda p: p.staff_id)
                       if p.service == "Planning" and p.present(snap) and not p.done.get(PREVENT))
            i = max(i for i, r in enumerate(block) if r[1] == who.staff_id) + 1
            block.insert(i, ["2023-12-31", who.staff_id, "Planning", who.role, PREVENT, "", "N",
                             "2023-13-45", ""])
            faults.append(("training_2023-2026.csv", len(rows) + i + 2, f"completed_on 2023-13-45 ({who.staff_id})"))
        rows += block
    written.append(write_csv("training_2023-2026.csv", header, rows))
    # The latest snapshot exists only as the HR system's XLSX report.
    written.append(write_training_xlsx(matrix_rows(people, [], END) + matrix_rows([], members, END)))
    return written, faults


def write_training_xlsx(rows, name="training-2026-09-30.xlsx"):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Training matrix"
    ws.append([f"Training matrix export {END.strftime('%d/%m/%Y')}"])
    ws.append([])
    ws.append(["Snapshot Date", "Staff ID", "Service", "Role", "Course", "Level", "Required",
               "Completed On", "Expires On"])
    for r in rows:
        ws.append([r[0], r[1], r[2], r[3], r[4], r[5], "Yes" if r[6] else "No", r[7], r[8]])
    for col, width in zip("ABCDEFGHI", (13, 10, 22, 32, 32, 6, 9, 13, 13)):
        ws.column_dimensions[col].width = width
    fixed = datetime(2026, 9, 30, 18, 0)
    wb.properties.creator = "HR system"
    wb.properties.created = fixed
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the save time into docProps/core.xml and the zip entries: pin both.
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(OUT / name, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 9, 30, 18, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            zout.writestr(info, data)
    return name


def write_services(people, members):
    rows = []
    for service in SERVICES:
        for fy in range(FIRST_FY, LAST_FY + 1):
            on = min(date(fy + 1, 3, 31), END)
            if service in NO_HEADCOUNT:
                headcount = ""
            else:
                headcount = sum(1 for p in people + members if p.service == service and p.present(on))
            rows.append([service, "", fy_label(fy), headcount])
    for old, new in OLD_NAMES.items():
        rows.append([old, new, "", ""])
    return write_csv("services.csv", ["service", "alias_of", "year", "headcount"], rows)


def write_categories():
    return write_csv("categories.csv", ["category", "statutory_category", "subject_group"],
                     [list(c) for c in CATEGORIES])


def write_destinations():
    """The referral destinations the council's publication names (every agency the sample refers to)."""
    names = sorted({d for routes in REFERRALS.values() for d, _ in routes if d != "SOCIAL"}
                   | {"MASH", "Adult Social Care"})
    return write_csv("destinations.csv", ["referred_to"], [[n] for n in names])


# --------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------

def question_text(qid, survey_id):
    early = survey_id in ("2014-15", "2015-16")
    dso = "Designated Safeguarding Officers" if survey_id < "2021" else "Designated Safeguarding Leads"
    return {
        "know_how_to_report": ("Would you know how to report a concern about a child or vulnerable adult?"
                               if early else "Do you know how to report a safeguarding concern?"),
        "aware_of_procedures": "Are you aware of the council's procedures for raising a safeguarding concern?",
        "confident_raising": "How confident would you feel raising a safeguarding concern?",
        "know_a_dso": f"Do you know the name of at least one of the council's four {dso}?",
        "trained_past_3_years": "Have you completed safeguarding training in the past 3 years?",
        "trained_past_12_months": "Have you completed safeguarding training in the past 12 months?",
        "know_where_policy_is": "Do you know where to find the council's safeguarding policy?",
    }[qid]


POSITIVE = {"confident_raising": ["Very confident", "Quite confident"]}
NEGATIVE = {"confident_raising": (["Not very confident", "Not at all confident"], [75, 25]),
            "trained_past_3_years": (["No", "Not sure"], [70, 30]),
            "trained_past_12_months": (["No", "Not sure"], [70, 30])}


def wave_questions(survey_id):
    if survey_id == "2014-15":
        return [q for q, t in zip(Q_IDS, SURVEY_TARGETS["2014-15"]) if t is not None]
    if survey_id == "2015-16":
        return list(SURVEY_2015_16)
    return list(Q_IDS)


def answers_for(rng, qid, n, positive, answered):
    pos = POSITIVE.get(qid, ["Yes"])
    negs, nw = NEGATIVE.get(qid, (["No"], [1]))
    out = [""] * (n - answered)
    out += [pos[0] if (len(pos) == 1 or rng.random() < 0.45) else pos[1] for _ in range(positive)]
    out += [rng.choices(negs, weights=nw)[0] for _ in range(answered - positive)]
    rng.shuffle(out)
    return out


def write_survey(people):
    rng = rng_for("survey")
    waves, questions, long_rows, wide_rows = [], [], [], []
    staff_weights = {s: v[0] for s, v in STAFF_SERVICES.items()}
    next_response = 100001
    for survey_id, opened, closed, invited, n in WAVES:
        if invited == "sim":
            invited = sum(1 for p in people if p.present(opened))
        title = ("Safeguarding questionnaire 2014-15: front-line staff in Housing, Community Safety and Leisure"
                 if survey_id == "2014-15" else f"Staff safeguarding questionnaire {opened.year}")
        waves.append([survey_id, title, iso_d(opened), iso_d(closed), "" if invited is None else invited])
        qids = wave_questions(survey_id)
        for q in qids:
            questions.append([survey_id, q, question_text(q, survey_id), ";".join(POSITIVE.get(q, ["Yes"]))])
        # who answered
        if survey_id == "2014-15":
            alloc = {"Housing Services": 14, "Community Safety": 8, "Leisure": 7}
        else:
            alloc = allocate(n, dict(staff_weights, **{"": 18}))
        services = [s for s, k in alloc.items() for _ in range(k)]
        rng.shuffle(services)
        ids = [f"R{next_response + i}" for i in range(n)]
        next_response += n + rng.randint(3, 40)
        # what they answered
        cols = {}
        for q in qids:
            if survey_id == "2015-16":
                positive, answered = SURVEY_2015_16[q]
            else:
                j = Q_IDS.index(q)
                answered = n - (round(n * BLANK_RATE[j]) + rng.randint(0, 2))
                positive = round(SURVEY_TARGETS[survey_id][j] * answered)
            cols[q] = answers_for(rng, q, n, positive, answered)
        for i, rid in enumerate(ids):
            if survey_id == WIDE_WAVE:
                wide_rows.append([rid, survey_id, services[i]] + [cols[q][i] for q in qids])
            else:
                long_rows += [[survey_id, rid, q, cols[q][i], services[i]] for q in qids]
    return [
        write_csv("survey_waves.csv", ["survey_id", "title", "opened_on", "closed_on", "invited"], waves),
        write_csv("survey_questions.csv", ["survey_id", "question_id", "text", "positive_answers"], questions),
        write_csv("survey_responses_2014-2025.csv", ["survey_id", "response_id", "question_id", "answer", "service"],
                  long_rows),
        write_csv(f"survey_responses_{WIDE_WAVE}-wide.csv",
                  ["response_id", "survey_id", "service"] + wave_questions(WIDE_WAVE), wide_rows),
    ]


# --------------------------------------------------------------------------
# Self-assessment
# --------------------------------------------------------------------------
S11_2012 = [  # standard_id, area, standard  (one standard per area in the 12-standard tool)
    ("1", "Senior management commitment", "Senior management commitment to safeguarding and promoting children's welfare"),
    ("2", "Statement of responsibilities", "Clear statement of the council's responsibilities towards children, available to all staff"),
    ("3", "Line of accountability", "Clear line of accountability for work on safeguarding"),
    ("4", "Service development", "Service development informed by the views of children and families"),
    ("5", "Training", "Safeguarding training for all staff working with or in contact with children"),
    ("6", "Safer recruitment", "Safer recruitment and vetting of staff and volunteers"),
    ("7", "Inter-agency working", "Effective inter-agency working to safeguard and promote children's welfare"),
    ("8", "Information sharing", "Information sharing in line with agreed procedures"),
    ("9", "Supervision and support", "Supervision and support for staff working with children and families"),
    ("10", "Allegations against staff", "Allegations against staff referred to the LADO and managed"),
    ("11", "Commissioned services", "Commissioned and contracted services meet safeguarding standards"),
    ("12", "Listening to children", "Children and families can raise concerns and complaints and are listened to"),
]
BLUE_2014_15 = {"1", "3", "5", "7", "8"}
S11_2015_16 = [  # 7 areas; every standard in an area carries the area's peer rating
    ("1.1", "Leadership and accountability", "Senior management commitment to safeguarding", "Blue", "Blue"),
    ("1.2", "Leadership and accountability", "Clear line of accountability for safeguarding", "Green", "Blue"),
    ("2.1", "Policies and procedures", "Safeguarding policy and procedures known to all staff", "Blue", "Blue"),
    ("2.2", "Policies and procedures", "Procedures for raising a concern, reviewed within 24 hours", "Blue", "Blue"),
    ("3.1", "Safer workforce", "Safer recruitment and vetting of staff and volunteers", "Blue", "Green"),
    ("3.2", "Safer workforce", "Allegations against staff referred to the LADO", "Green", "Green"),
    ("4.1", "Training and development", "Safeguarding training for all staff in contact with children", "Blue", "Blue"),
    ("4.2", "Training and development", "Designated Safeguarding Officers trained to a higher level", "Blue", "Blue"),
    ("5.1", "Inter-agency working", "Effective inter-agency working and information sharing", "Blue", "Blue"),
    ("6.1", "Commissioned services", "Commissioned and contracted services meet safeguarding standards", "Green", "Blue"),
    ("7.1", "Voice of children and families", "Service development informed by the views of children and families", "Green", "Green"),
]
S11_2017 = [  # 5 subject areas, 2 standards each; best practice (Blue) at peer review 2017-2020
    ("A1", "Leadership and governance", "Senior management commitment and a clear line of accountability"),
    ("A2", "Leadership and governance", "Safeguarding reported to members through Scrutiny"),
    ("B1", "Safer workforce", "Safer recruitment, vetting and management of allegations"),
    ("B2", "Safer workforce", "Supervision and support for staff in contact with children and adults"),
    ("C1", "Training and awareness", "Safeguarding training for all staff, refreshed every three years"),
    ("C2", "Training and awareness", "Councillors briefed on their safeguarding responsibilities"),
    ("D1", "Partnership working", "Effective inter-agency working with the MASH and partners"),
    ("D2", "Partnership working", "Information sharing in line with agreed procedures"),
    ("E1", "Voice of the child and adult", "Services shaped by the views of children, adults and families"),
    ("E2", "Voice of the child and adult", "People can raise concerns and complaints and are listened to"),
]
JOINT = [
    ("LSW1", "Leadership, Strategy and Working Together", "Safeguarding leadership and accountability are clear"),
    ("LSW2", "Leadership, Strategy and Working Together", "Safeguarding is part of the council's strategy and plans"),
    ("LSW3", "Leadership, Strategy and Working Together", "The council works with the safeguarding boards and partners"),
    ("LSW4", "Leadership, Strategy and Working Together", "Staff and councillors are trained and supported"),
    ("CA1", "Commissioning Arrangements", "Contracts and grants include safeguarding requirements"),
    ("CA2", "Commissioning Arrangements", "Providers' safeguarding is monitored"),
    ("CA3", "Commissioning Arrangements", "Commissioning is informed by safeguarding learning"),
    ("PE1", "People's Experiences of Safeguarding", "Concerns are recognised, recorded and reviewed promptly"),
    ("PE2", "People's Experiences of Safeguarding", "People's views shape how the council safeguards"),
    ("PE3", "People's Experiences of Safeguarding", "Outcomes of referrals are followed up and learned from"),
    ("PE4", "People's Experiences of Safeguarding", "Making Safeguarding Personal is applied in practice"),
]
JOINT_RATINGS = {  # year -> {standard_id: (self, peer)}; unlisted = (Green, Green); peer None = not reviewed
    "2021": {"PE2": ("Amber", "Amber"), "CA3": ("Amber", "Green")},
    "2022": {"PE3": ("Amber", "Amber")},
    "2023": {},
    "2024": {"CA2": ("Green", "Amber")},
    "2025": {"LSW4": ("Amber", "Amber"), "PE2": ("Green", None), "PE4": ("Green", None)},
}
PEER_WHEN = {"2012": "OSCB peer review, March 2013", "2014-15": "peer review, April 2015",
             "2015-16": "peer review, April 2016", "2017": "OSCB challenge event, March 2018",
             "2018": "OSCB challenge event, March 2019", "2019": "OSCB challenge event, March 2020",
             "2020": "OSCB challenge event, March 2021", "2021": "joint peer review, February 2022",
             "2022": "joint peer review, February 2023", "2023": "joint peer review, February 2024",
             "2024": "joint peer review, February 2025", "2025": "joint peer review, February 2026"}


def write_self_assessment():
    s11, joint = "Section 11 (OSCB)", "Joint OSCB/OSAB self-assessment"
    rows = []
    for sid, area, text in S11_2012:
        rows.append(["2012", s11, area, sid, text, "Green", "Green", "Met fully; confirmed by " + PEER_WHEN["2012"]])
    for sid, area, text in S11_2012:
        rows.append(["2013", s11, area, sid, text, "Green", "", "Section 11 submission: overall green"])
    for sid, area, text in S11_2012:
        peer = "Blue" if sid in BLUE_2014_15 else "Green"
        note = "best practice evidenced" if peer == "Blue" else "met"
        rows.append(["2014-15", s11, area, sid, text, "Green", peer, f"All points met, most evidenced; {PEER_WHEN['2014-15']}: {note}"])
    for sid, area, text, own, peer in S11_2015_16:
        rows.append(["2015-16", s11, area, sid, text, own, peer, f"{PEER_WHEN['2015-16']}: area rated {peer}"])
    for year in ("2017", "2018", "2019", "2020"):
        for k, (sid, area, text) in enumerate(S11_2017):
            own = "Green" if (k + int(year)) % 4 == 0 else "Blue"
            rows.append([year, s11, area, sid, text, own, "Blue", f"{PEER_WHEN[year]}: best practice"])
    for year, changes in JOINT_RATINGS.items():
        for sid, area, text in JOINT:
            own, peer = changes.get(sid, ("Green", "Green"))
            if peer is None:
                note = "not sampled at " + PEER_WHEN[year]
            elif peer == own:
                note = f"upheld at {PEER_WHEN[year]}"
            else:
                note = f"moderated to {peer} at {PEER_WHEN[year]}"
            rows.append([year, joint, area, sid, text, own, peer or "", note])
        if year == "2022":   # a rating that is not on the scale
            rows.append(["2022", joint, "People's Experiences of Safeguarding", "PE5",
                         "Feedback from people who raised a concern", "Purple", "", "typed in by hand"])
    return write_csv("self_assessment.csv", ["year", "framework", "area", "standard_id", "standard",
                                             "self_rating", "peer_rating", "evidence"], rows)


# --------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------
MHTS = "Mental health tenancy support"
OUTCOMES = [  # period, programme, service, measure, sought, engaged, positive, negative (None = blank)
    *[(p, MHTS, "Housing Services", "Avoided Mental Health Act assessment or admission", *v) for p, v in [
        ("2019-20", (34, 22, 10, 6)), ("2020-21", (41, 27, 13, 6)), ("2021-22", (45, 31, 17, 7)),
        ("2022-23", (44, 30, 16, 5)), ("2023-24", (48, 33, 19, 6)), ("2024-25", (52, 36, 21, 7)),
        ("2025-26", (50, 35, 20, 6))]],
    *[(p, MHTS, "Housing Services", "Avoided readmission", *v) for p, v in [
        ("2019-20", (34, 22, 4, 3)), ("2020-21", (41, 27, 5, 4)), ("2021-22", (45, 31, 6, 4)),
        ("2022-23", (44, 30, 7, 3)), ("2023-24", (48, 33, 8, 2)), ("2024-25", (52, 36, 9, 3)),
        ("2025-26", (50, 35, 8, 4))]],
    *[(p, "Tenancy sustainment", "Housing Services", "Tenancy sustained for 12 months", *v) for p, v in [
        ("2019-20", (138, 104, 81, 12)), ("2020-21", (121, 97, 79, 9)), ("2021-22", (146, 112, 88, 14)),
        ("2022-23", (152, 118, 90, 15)), ("2023-24", (161, 126, 99, 13)), ("2024-25", (170, 131, 104, 16)),
        ("2025-26", (166, 129, 100, 14))]],
    *[(p, "Rough sleeper outreach", "Housing Services", "Moved off the street into accommodation", *v)
      for p, v in [
        ("2019-20", (None, 118, 61, 22)), ("2020-21", (None, 142, 96, 18)), ("2021-22", (None, 104, 58, 20)),
        ("2022-23", (131, 97, 55, 19)), ("2023-24", (139, 102, 57, 21)), ("2024-25", (144, 108, 63, 17)),
        ("2025-26", (140, 101, 60, 18))]],
    *[(p, "Youth Ambition", "Communities", "Sustained participation for 12 weeks or more", *v) for p, v in [
        ("2019-20", (512, 318, 201, None)), ("2020-21", (380, 204, 117, None)), ("2021-22", (466, 287, 180, None)),
        ("2022-23", (498, 301, 194, 41)), ("2023-24", (523, 322, 210, 45)), ("2024-25", (540, 335, 219, 43)),
        ("2025-26", (531, 329, 214, 40))]],
    *[(p, "Make Every Adult Matter", "Housing Services", m, *v) for p, m, v in [
        ("2022-23", "Sustained engagement with a lead worker", (9, 6, 4, 1)),
        ("2022-23", "Moved into settled accommodation", (9, 6, 2, 1)),
        ("2023-24", "Sustained engagement with a lead worker", (19, 12, 8, 2)),
        ("2023-24", "Moved into settled accommodation", (19, 12, 5, 3)),
        ("2024-25", "Sustained engagement with a lead worker", (22, 15, 11, 2)),
        ("2024-25", "Moved into settled accommodation", (22, 15, 7, 4)),
        ("2025-26", "Sustained engagement with a lead worker", (21, 14, 10, 3)),
        ("2025-26", "Moved into settled accommodation", (21, 14, 6, 3))]],
    *[(p, "Domestic abuse sanctuary scheme", "Community Safety", "Remained safely in own home", *v)
      for p, v in [
        ("2019-20", (14, 11, 9, 1)), ("2020-21", (19, 15, 12, 2)), ("2021-22", (17, 13, 11, 1)),
        ("2022-23", (16, 9, 11, 0)),      # fault: positive > engaged
        ("2023-24", (18, 14, 12, 1)), ("2024-25", (21, 16, 13, 2)), ("2025-26", (20, 15, 13, 1))]],
]


def write_outcomes():
    rows, faulty = [], 0
    for period, programme, service, measure, sought, engaged, positive, negative in OUTCOMES:
        ok = (positive <= engaged and (sought is None or engaged <= sought)
              and positive + (negative or 0) <= engaged)
        faulty += not ok
        rows.append([period, programme, service, measure, "" if sought is None else sought, engaged,
                     positive, "" if negative is None else negative])
    assert faulty == 1
    return write_csv("outcomes.csv", ["period", "programme", "service", "measure", "sought", "engaged",
                                      "positive", "negative"], rows)


# --------------------------------------------------------------------------
# Exports in the councils' own shapes (read with the profiles in profiles/)
# --------------------------------------------------------------------------
EXPORTS = OUT / "exports"


def read_back(name, encoding="utf-8", delimiter=","):
    """The rows of a contract-shaped file written above, as dicts, blank rows left out."""
    with open(OUT / name, encoding=encoding, newline="") as f:
        return [r for r in csv.DictReader(f, delimiter=delimiter) if any(v.strip() for v in r.values())]


def reformat(text, fmt):
    """An ISO or UK timestamp (as the contract-shaped files hold it) in another system's format."""
    for shape in ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, shape).strftime(fmt)
        except ValueError:
            continue
    return text  # empty, or a deliberate fault kept as it is


def write_export(name, header, rows):
    EXPORTS.mkdir(exist_ok=True)
    with open(EXPORTS / name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return f"exports/{name}"


def write_concern_system_a():
    """A MyConcern-style report: its own headings, UK day-first timestamps, its own words. 2022-23 only."""
    rows = [r for r in read_back("concerns_2019-23.csv") if "2022-04-01" <= r["raised_at"] < "2023-04-01"]
    words = {"child": "Child", "adult": "Adult", "unknown": "Not known"}
    uk = "%d/%m/%Y %H:%M"
    out = [[r["concern_id"], reformat(r["raised_at"], uk), "Web form" if i % 3 else "Phone", r["service"], r["team"],
            r["category"], words[r["subject_group"]], reformat(r["reviewed_at"], uk), r["referred_to"],
            r["outcome"], reformat(r["closed_at"], uk)] for i, r in enumerate(rows)]
    return write_export("myconcern_report_2022-23.csv",
                        ["Concern Ref", "Date/Time Reported", "Logged Via", "Department", "Team", "Concern Type",
                         "Child or Adult", "DSL Review Date", "Referred To", "Status", "Date Closed"], out)


def write_concern_system_b():
    """A CPOMS-style export: a date column and a 12-hour time column, month-first dates. 2023-24 only."""
    rows = read_back("concerns_2023-24.csv", encoding="cp1252", delimiter=";")
    us = "%m/%d/%Y %H:%M"
    out = []
    for i, r in enumerate(rows):
        raised = r["Raised At"]
        when = reformat(raised, "%m/%d/%Y|%I:%M %p").split("|")
        if len(when) == 1:  # the deliberate fault 31/02/2024 14:05, written the system's way
            day, month, rest = raised.split("/")
            when = [f"{month}/{day}/{rest[:4]}", "02:05 PM"]
        group = r["Subject Group"]
        person = {"child": "Young person" if i % 2 else "Child", "adult": "Adult", "": ""}[group]
        out.append([r["Concern ID"], when[0], when[1], r[" SERVICE "], r["Team"], r["Category"], person,
                    reformat(r["Reviewed At"], us), r["Referred To"], r["Outcome"], reformat(r["Closed At"], us)])
    return write_export("cpoms_export_2023-24.csv",
                        ["Incident ID", "Date Raised", "Time Raised", "Service Area", "Team Name", "Concern Category",
                         "Person Type", "Date Reviewed", "Referral", "Concern Outcome", "Date Closed"], out)


#: the HR matrix's course headings: the required courses, one column each (the DSL course is kept elsewhere)
MATRIX_COURSES = {"Safeguarding Awareness (e-learning)": SA, "Enhanced Safeguarding": ENH,
                  "Domestic Abuse Awareness": DA, "Prevent (WRAP)": PREVENT, "Members' Briefing": BRIEFING}


def write_training_matrix():
    """A wide HR matrix on 30/06/2026: one row per person, one column per required course holding the
    completion date (`Outstanding` if never completed; blank where the course is not required)."""
    snap = "2026-06-30"
    rows = [r for r in read_back("training_2023-2026.csv")
            if r["snapshot_date"] == snap and r["required"] == "Y" and r["course"] in MATRIX_COURSES.values()]
    people = {}
    for r in rows:
        p = people.setdefault(r["staff_id"], {"service": r["service"], "role": r["role"]})
        p[r["course"]] = reformat(r["completed_on"] + " 00:00:00", "%d/%m/%Y") if r["completed_on"] else "Outstanding"
    out = [[uk_d(date.fromisoformat(snap)), sid, "REDACTED", p["service"], p["role"]]
           + [p.get(c, "") for c in MATRIX_COURSES.values()] for sid, p in people.items()]
    return write_export("hr_training_matrix_2026-06-30.csv",
                        ["Report Date", "Employee Number", "Employee Name", "Service Area", "Job Title"]
                        + list(MATRIX_COURSES), out)


def write_survey_export():
    """A survey tool's wide export of the 2019 wave: one column per question, headed by its full text."""
    texts = {r["question_id"]: r["text"] for r in read_back("survey_questions.csv") if r["survey_id"] == WIDE_WAVE}
    rows = read_back(f"survey_responses_{WIDE_WAVE}-wide.csv")
    qids = wave_questions(WIDE_WAVE)
    opened = next(w[1] for w in WAVES if w[0] == WIDE_WAVE)
    out = [[r["response_id"], uk_ts(datetime.combine(opened, time(9)) + timedelta(minutes=37 * i)),
            r["service"]] + [r[q] for q in qids] for i, r in enumerate(rows)]
    return write_export(f"smartsurvey_staff_safeguarding_{WIDE_WAVE}.csv",
                        ["Response ID", "Submitted", "Which service do you work in?"] + [texts[q] for q in qids], out)


def write_exports():
    return [write_concern_system_a(), write_concern_system_b(), write_training_matrix(), write_survey_export()]


# --------------------------------------------------------------------------

def main():
    written = []
    concerns = make_concerns()
    files, concern_faults_at = write_concerns(concerns)
    written += files
    people = make_workforce()
    members = make_councillors()
    files, training_faults_at = write_training(people, members)
    written += files
    written.append(write_services(people, members))
    written.append(write_categories())
    written.append(write_destinations())
    written += write_survey(people)
    written.append(write_self_assessment())
    written.append(write_outcomes())
    written += write_exports()
    for name in written:
        print(f"wrote sample_data/{name} ({(OUT / name).stat().st_size:,} bytes)")
    for name, line, cid, fault in concern_faults_at:
        print(f"fault: {name} line {line}: {cid} {fault}")
    for name, line, what in training_faults_at:
        print(f"fault: {name} line {line}: {what}")


if __name__ == "__main__":
    main()
