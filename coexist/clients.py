"""Who is asking: the client's network address, as far as it can be trusted.

Login throttling (django-axes) and the join-code throttle both count per address, so the
address must be one a visitor cannot choose. REMOTE_ADDR is the machine that opened the
connection; behind a reverse proxy that is the proxy, and the real client is in
X-Forwarded-For. That header is written by whoever sends the request, though: only the
entries our own proxies appended are facts. Each proxy appends the address it was
connected from, so with N trusted proxies the Nth entry from the right is the client, and
anything to its left is whatever the client claimed — which is never used, so a forged
entry cannot make a new throttling bucket.

TRUSTED_PROXIES (default 0) says how many proxies there are. With 0 the header is ignored
completely. Set it only when the app cannot be reached except through those proxies;
otherwise someone connecting directly could write the whole header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or "" when the server was not given one it can trust."""
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not pass through every proxy (the app port was reached some
        # other way): the connection's own address is the only fact there is.
        return remote
    return _ip(forwarded[-proxies]) or remote


def _ip(text: str) -> str:
    """A normalised address, from "192.0.2.1", "192.0.2.1:4711", "2001:db8::1" or
    "[2001:db8::1]:443" (some proxies add the port); "" for anything else."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port; an IPv6 address has several colons
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""
