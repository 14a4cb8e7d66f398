"""The member's reminder pages: the list (每条提醒链接到办理页面), the channels, and the link a
reminder carries (it opens the page where the person acts). Thin: selectors and services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects.services.errors import ApplicationError

from . import selectors
from .forms import ChannelPreferenceForm
from .services import channel_preference_save


@login_required
def my_reminders(request):
    return render(request, "outreach/my_reminders.html", {"items": selectors.reminders_of(request.user)[:100]})


@login_required
def open_reminder(request, pk: int):
    reminder = selectors.reminder_of(request.user, pk)
    if reminder is None:
        raise Http404
    return redirect(reminder.link)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.channel_preference(request.user)
    form = ChannelPreferenceForm(request.POST or None, initial={"email": current.email, "sms": current.sms})
    if request.method == "POST" and form.is_valid():
        try:
            channel_preference_save(user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"])
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("提醒方式已保存。"))
            return redirect("outreach:preferences")
    return render(request, "outreach/preferences.html", {"form": form})
