"""Which legal-app models each staff role may see or change (rows: members.selectors.scope_for).

Cases are reviewed, assigned and closed by the district (2019 §3: the district's legal-aid
centre accepts, reviews and assigns); street/town staff, whose branches receive members,
see their street's cases. A grassroots union sees its own enterprise's check-up record,
not its workers' legal-aid cases.
"""

from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

ROLE_PERMISSIONS = {
    G: ["legal.view_legalcheckuprecord"],
    S: [
        "legal.view_legalaidcentre",
        "legal.view_lawyer",
        "legal.view_legalaidcase",
        "legal.view_legalcheckupallocation",
        "legal.view_legalcheckuprecord",
    ],
    D: [
        "legal.view_legalaidcentre",
        "legal.add_legalaidcentre",
        "legal.change_legalaidcentre",
        "legal.view_lawyer",
        "legal.add_lawyer",
        "legal.change_lawyer",
        "legal.view_legalaidcase",
        "legal.change_legalaidcase",
        "legal.view_legalcheckupallocation",
        "legal.add_legalcheckupallocation",
        "legal.change_legalcheckupallocation",
        "legal.view_legalcheckuprecord",
        "legal.change_legalcheckuprecord",
    ],
}
