"""How the flower expo rules are applied for (see projects.procedures)."""

from projects.procedures import Procedure

from .services import flower_expo_locked_facts, on_flower_expo_approved

PROCEDURES = (
    Procedure(
        "flower_expo_visit",
        (),
        "2021「看花博」：各级工会组织，按人次累计",
        locked_facts=flower_expo_locked_facts,
        on_approved=on_flower_expo_approved,
    ),
)
