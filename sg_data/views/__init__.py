"""View models: pure functions from figures to what is drawn and said, per area.

Pages and the briefing call the same functions, so no briefing figure can
differ from its page. Each area module has `section(figures, period, ...)`,
the area's part of the briefing (metrics.md, "The briefing"): plain data, with
a hidden count as None and `"suppressed": true` on the object that holds it.
"""

from . import concerns, outcomes, self_assessment, survey, timeliness, training, trends

__all__ = ["concerns", "timeliness", "training", "survey", "self_assessment", "outcomes", "trends"]
