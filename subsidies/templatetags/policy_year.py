"""{% policy_year_in_force project.code %}: the year in force and "与上年相比" on a member page.

One include template (projects/_policy_year.html), one selector
(subsidies.selectors.year_in_force_for_members); a portal page adds one line to show it."""

from django import template

from subsidies.selectors import year_in_force_for_members

register = template.Library()


@register.inclusion_tag("projects/_policy_year.html")
def policy_year_in_force(project: str = ""):
    return {"policy_year": year_in_force_for_members(project or None)}
