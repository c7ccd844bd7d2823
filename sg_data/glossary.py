"""The metric glossary: one source for every definition the dashboard shows.

The wording follows metrics.md. Pages show a definition beside its figure
(`definition(key)`), the Definitions page lists them all, and the briefing's
appendix prints them, so the three never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    definition: str
    area: str


TERMS: tuple[Term, ...] = (
    Term("financial_year", "Financial year and quarters",
         "A financial year runs 1 April to 31 March: 2023-24 is 1 April 2023 to 31 March 2024. "
         "Quarters: Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March. "
         "A concern belongs to the period its time of recording falls in (dates inclusive).", "Periods"),
    Term("comparison", "Comparison periods",
         "A quarter is compared with the previous quarter and with the same quarter a year earlier; "
         "a year with the previous year.", "Periods"),
    Term("concerns_raised", "Concerns raised",
         "The number of safeguarding concerns recorded on the concern system with a time of recording in the period.",
         "Concerns"),
    Term("concerns_by_service", "Concerns by service or category",
         "Concerns raised, split by the service of the member of staff who raised them or by the concern's "
         "category. A renamed or merged service is counted under its current name. Lists sort by count, "
         "largest first, then by name.", "Concerns"),
    Term("statutory_category", "Statutory category",
         "The Care Act 2014 (adults) or Working Together to Safeguard Children category that the council's own "
         "category maps to, from the categories table; welfare concerns such as suicidal threat map to "
         "Wellbeing (non-statutory). A category not in the table shows as Not mapped.", "Concerns"),
    Term("concerns_per_100_staff", "Concerns per 100 staff",
         "Concerns raised by a service in a financial year divided by that service's headcount that year, "
         "times 100. Shown only where the headcount is known.", "Concerns"),
    Term("referred_externally", "Referred externally",
         "Concerns in the period with an external referral recorded (MASH, Adult Social Care, Police and so on), "
         "of all concerns raised in the period.", "Concerns"),
    Term("review_target", "Review target",
         "Every concern should be reviewed by a Designated Safeguarding Lead within 24 hours (calendar hours) "
         "of being recorded. The target can be changed.", "Review timeliness"),
    Term("as_of", "As-of time",
         "The latest time of recording or of review in the data, unless another is given. Timeliness is judged "
         "at this time.", "Review timeliness"),
    Term("reviewed_within_target", "Reviewed within target",
         "Of the concerns raised in the period, those reviewed no more than the target after being recorded. "
         "The denominator leaves out concerns not yet reviewed whose clock is still running (recorded less than "
         "the target before the as-of time): too recent to know.", "Review timeliness"),
    Term("overdue_unreviewed", "Overdue, unreviewed",
         "Concerns raised in the period, not yet reviewed, and recorded more than the target before the "
         "as-of time.", "Review timeliness"),
    Term("median_hours", "Median hours to review",
         "The middle value of the hours from recording to review, over reviewed concerns raised in the period "
         "(with an even number, the mean of the two middle values), to one decimal place. The 90th percentile "
         "is the time within which nine in ten were reviewed.", "Review timeliness"),
    Term("training_snapshot", "Training snapshot",
         "The training matrix exported from the HR system on a date. A period uses the latest snapshot on or "
         "before the period's end.", "Training"),
    Term("training_coverage", "Training coverage",
         "Of the courses people's roles require in that snapshot (one unit = one required course for one person), "
         "the share in date: completed on or before the snapshot date and not yet expired. A completion with no "
         "expiry date lapses three years after completion. Councillors are shown as a service of their own.",
         "Training"),
    Term("expiring_soon", "Expiring soon",
         "Required courses in date at the snapshot whose expiry falls within the next 90 days. The Training page "
         "also shows the number of people affected in each service.", "Training"),
    Term("survey_wave", "Survey wave",
         "One round of the staff safeguarding questionnaire. A period uses the latest wave that closed on or "
         "before the period's end.", "Staff survey"),
    Term("respondents", "Respondents and response rate",
         "Respondents: the number of distinct responses in the wave. Response rate: respondents divided by the "
         "number of staff invited, where that is known.", "Staff survey"),
    Term("positive_share", "Positive share",
         "Of the respondents who answered a question, the share whose answer counts as positive for it "
         "(for example Very confident or Quite confident). A blank answer is no answer.", "Staff survey"),
    Term("wilson_interval", "95% confidence interval",
         "The Wilson score interval: the range of values for the true share that fits the answers given, with "
         "95% confidence. Small numbers give wide intervals.", "Statistics"),
    Term("clear_change", "A clear change",
         "A change between two periods or waves is called a change only when their 95% confidence intervals do "
         "not overlap; otherwise the dashboard says there is no clear change.", "Statistics"),
    Term("process_limits", "Process limits (the usual range)",
         "From NHS England's Making Data Count: over the points shown (complete quarters; for the small trends "
         "also training snapshots, survey waves and self-assessment years), the mean and the moving ranges (the "
         "change from one point to the next). The process limits are the mean plus and minus 2.66 times the "
         "average moving range: a point between them is within the usual range (common cause variation). Limits "
         "need at least 12 points (15 or more recommended); a hidden point is left out. They are not used where "
         "the figure moves in steps too coarse for them, with fewer than 5 of its values between them (a share of 11 "
         "standards moves 9 points with each one): one standard's change would read as a special cause.",
         "Statistics"),
    Term("special_cause", "Special cause",
         "A pattern unlikely to arise by chance (Making Data Count): a point outside the process limits; 7 "
         "points in a row above or below the mean; 7 in a row each rising or each falling; or 2 of 3 points in "
         "a row near the same limit (beyond two sigma, two thirds of the way to it). Read at the latest point, it "
         "is improving or concerning where one direction is better, and neither for concerns raised, where more "
         "reporting is not in itself bad.", "Statistics"),
    Term("funnel_plot", "Funnel plot",
         "Each service's concerns per 100 staff against its headcount, with the council's rate (all concerns of "
         "services with a headcount over all their staff) and the limits within which a service's rate would fall "
         "95% and 99.8% of the time if its true rate were the council's (Poisson limits, Spiegelhalter 2005). The "
         "limits narrow as headcount grows. Outside the 95% limits: worth a look; outside the 99.8% limits: "
         "unusual.", "Statistics"),
    Term("self_assessment_year", "Self-assessment year",
         "The latest audit year that ends on or before the period's end (2023 ends 31 December 2023; 2014-15 ends "
         "31 March 2015).", "Self-assessment"),
    Term("rating_shown", "Rating shown",
         "The rating after peer review or challenge where there is one, otherwise the council's own rating; the "
         "dashboard marks which. Scale from worst to best: Red, Amber, Green, Blue (best practice, where the "
         "framework has it). Standards are compared across years only within one framework.", "Self-assessment"),
    Term("outcome_funnel", "Outcome funnel",
         "For each programme and measure: sought (people the council sought to work with), engaged, and of those "
         "engaged, positive, negative and unknown (engaged minus positive minus negative). A period shows the "
         "financial year that contains its end.", "Outcomes"),
    Term("reach", "Reach", "People who engaged, of those the council sought to work with.", "Outcomes"),
    Term("success", "Success rate", "People with the positive outcome, of those who engaged.", "Outcomes"),
    Term("negative_rate", "Negative rate", "People with a negative outcome, of those who engaged.", "Outcomes"),
    Term("missing_denominator", "Missing denominator",
         "Where sought or negative was not recorded, the dashboard says the denominator is missing rather than "
         "hiding the row.", "Outcomes"),
    Term("suppression", "Suppressed figures [c]",
         "In the Scrutiny view and everything published, any count of people or concerns from 1 to 5 is hidden "
         "and shown as [c] (confidential), and other figures are hidden beside it where they would let someone "
         "work it out. Zero is shown as zero. A share whose numerator or denominator is hidden is hidden.",
         "Disclosure control"),
    Term("symbols", "Symbols",
         "[c] confidential: hidden to protect individuals. [x] not available. [z] not applicable "
         "(for example a share of nothing).", "Disclosure control"),
    Term("quarantine", "Quarantine",
         "Rows of an export that break the data contract are not loaded: they are kept aside with the file, line, "
         "column and the reason, so that they can be corrected at source.", "Data"),
)

_BY_KEY = {t.key: t for t in TERMS}


def term(key: str) -> Term:
    return _BY_KEY[key]


def definition(key: str) -> str:
    t = _BY_KEY[key]
    return f"**{t.name}**: {t.definition}"
