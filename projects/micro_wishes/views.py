"""The member's own wishes (/p/micro-wishes/my/). No public page: wishes are hardship members'."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from projects.services.errors import ApplicationError
from projects.views import member_required
from subsidies.rules import registry

from . import selectors
from .services import DESCRIPTION_LIMIT, micro_wish_describe


class DescribeForm(forms.Form):
    description = forms.CharField(
        label=_("心愿内容"), max_length=DESCRIPTION_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


@member_required
def my_wishes(request, member):
    applications = list(selectors.wish_applications_of_member(member))
    rule = registry.latest("micro_wish", timezone.localdate())
    return render(request, "micro_wishes/my_wishes.html", {"applications": applications, "rule": rule})


@member_required
@require_POST
def my_wish_describe(request, member, pk: int):
    wish = selectors.wish_of_member(member, pk)
    if wish is None:
        raise Http404
    form = DescribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("micro_wishes:my")
    try:
        micro_wish_describe(user=request.user, wish=wish, description=form.cleaned_data["description"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "心愿内容已保存。")
    return redirect("micro_wishes:my")
