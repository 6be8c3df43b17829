"""Plain (non-API) pages of the world app."""

from django.shortcuts import render

from world.selectors import world_overview


def index(request):
    """The landing page: where the world stands, and where to go from here."""
    return render(request, "index.html", world_overview())
