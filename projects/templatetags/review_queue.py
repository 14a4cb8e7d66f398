"""The review queue's table (Django's admin/change_list_results.html), its rows written in Python by
ApplicationAdmin.queue_cells: the same markup as the admin's {% result_list %} (the headers are the
admin's own, sortable), without its per-cell machinery — a field lookup that raises and catches
FieldDoesNotExist for each display method, the value-formatting dispatch, three format_html calls and
a translation per cell, 50 rows × 9 cells per page."""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.admin_list import ResultList, result_headers
from django.utils.safestring import mark_safe

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def review_rows(cl):
    cells = cl.model_admin.queue_cells()
    columns = [(name, cells[name]) for name in cl.list_display]
    link = next(name for name in cl.list_display if name != "action_checkbox")  # the admin's first column

    def row(obj) -> str:
        parts = []
        for name, cell in columns:
            if name == "action_checkbox":
                parts.append(f'<td class="action-checkbox">{cell(obj)}</td>')
            elif name == link:
                parts.append(f'<th class="field-{name}"><a href="{cl.url_for_result(obj)}">{cell(obj)}</a></th>')
            else:
                parts.append(f'<td class="field-{name}">{cell(obj)}</td>')
        return mark_safe("".join(parts))

    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "result_hidden_fields": [],
        # The admin's template writes <tr>{items}</tr> per result: here a single result whose one item
        # is every row, joined by the same </tr><tr> the template puts between two results, so the
        # template loops once instead of once per row and the markup is the same.
        "results": [ResultList(None, [mark_safe("</tr>\n<tr>".join(row(obj) for obj in cl.result_list))])]
        if cl.result_list
        else [],
    }
