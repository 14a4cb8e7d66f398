"""How the flower expo rules are applied for (see projects.flows)."""

from projects.flows import Flow

FLOWS = (
    Flow("flower_expo_visit", (), "2021「看花博」：各级工会组织，按人次累计"),
)
