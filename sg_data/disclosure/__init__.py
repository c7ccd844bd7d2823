"""Disclosure control for the Scrutiny view and every published export.

The publication (every table, every period) is one linear system
(:class:`System`): cells, each with its disclosure class, and the identities
between them. :func:`protect` chooses what to hide; :func:`check` is the
attacker's check a publisher runs before writing anything, and raises nothing
itself: a publisher raises :class:`DisclosureError` with its failures.

    system = System()
    system.add(Cell(("concerns", "2023-24 Q3", "Housing"), 3, PEOPLE))
    ...
    system.equal(total_key, part_keys)
    protection = protect(system, threshold, min_group)
    if failures := check(system, protection.hidden, threshold, min_group):
        raise DisclosureError(failures)
"""

from .suppression import (
    DEFAULT_MIN_GROUP,
    DEFAULT_THRESHOLD,
    DisclosureError,
    Failure,
    Protection,
    attack,
    attack_report,
    check,
    protect,
)
from .system import (
    FREE,
    PEOPLE,
    PROCESS,
    RULES,
    STAFF_DENOMINATOR,
    STAFF_NUMERATOR,
    UNPUBLISHED,
    Cell,
    System,
    describe,
)

__all__ = [
    "DEFAULT_MIN_GROUP",
    "DEFAULT_THRESHOLD",
    "DisclosureError",
    "Failure",
    "Protection",
    "attack",
    "attack_report",
    "check",
    "protect",
    "FREE",
    "PEOPLE",
    "PROCESS",
    "RULES",
    "STAFF_DENOMINATOR",
    "STAFF_NUMERATOR",
    "UNPUBLISHED",
    "Cell",
    "System",
    "describe",
]
