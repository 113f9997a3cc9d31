from __future__ import annotations

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """Pages that autosave ask for JSON; without JavaScript the same URLs answer HTML."""
    return request.headers.get("Accept", "").startswith("application/json")
