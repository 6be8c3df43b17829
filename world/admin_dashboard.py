"""The admin's world dashboard: where the world stands and how its last ticks went, with
buttons to pause, resume and run one tick now.

Reached from the world clock's page (`WorldClockAdmin.get_urls`). Reading it needs the
permission to view the clock; the buttons (POST, with the admin's CSRF protection) need the
permission to change it, as the clock's own form does: operators and designers.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from world import clock_control
from world.dashboard import world_dashboard_get
from world.models import WorldClock

DASHBOARD_URL_NAME = "world_dashboard"


class DashboardActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("pause", "Pause"), ("resume", "Resume"), ("step", "Run one tick now")])
    tick = forms.IntegerField(min_value=0, help_text="The tick the page showed: a step runs the one after it.")


def world_dashboard_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        _act(request, DashboardActionForm(request.POST))
        return redirect(f"admin:{DASHBOARD_URL_NAME}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "World dashboard",
        "opts": model_admin.model._meta,
        "dashboard": world_dashboard_get(),
        "can_change": model_admin.has_change_permission(request),
        "ticks_by_celery": clock_control.ticks_run_by_celery(),
    }
    return TemplateResponse(request, "admin/world/dashboard.html", context)


def _act(request, form: DashboardActionForm) -> None:
    if not form.is_valid():
        messages.error(request, "That request was not understood; nothing changed.")
        return
    if not WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).exists():
        messages.error(request, "The world has no clock yet (seed it first); nothing changed.")
        return
    action = form.cleaned_data["action"]
    if action == "pause":
        clock_control.world_pause()
        messages.success(request, "The world is paused: no ticks until it is resumed.")
    elif action == "resume":
        clock_control.world_resume()
        messages.success(request, "The world is running again.")
    else:
        outcome = clock_control.world_step(after_tick=form.cleaned_data["tick"])
        if outcome.status == "ran":
            messages.success(request, f"Tick {outcome.tick} ran.")
        elif outcome.status == "queued":
            messages.success(request, f"Tick {form.cleaned_data['tick'] + 1} is queued for a worker.")
        elif outcome.status == "already_done":
            messages.warning(request, "The world had already moved past the tick this page showed; nothing ran.")
        else:
            messages.warning(request, f"No tick ran ({outcome.status}); try again in a moment.")
