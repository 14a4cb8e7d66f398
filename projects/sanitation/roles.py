"""Sanitation rosters are read-only for every role (entries come from the unit's spreadsheet);
rows are scoped by members.selectors.scope_for: the unit its own, the street its units, the district all."""

from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT
VIEW = ["sanitation.view_sanitationroster", "sanitation.view_rosterentry"]

ROLE_PERMISSIONS = {G: VIEW, S: VIEW, D: VIEW}
