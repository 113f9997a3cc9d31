"""gunicorn's logger, making only the atoms our access line uses (gunicorn.conf.py).

gunicorn builds every atom it knows for each request before formatting the line: one per
request header, response header and WSGI environ key, about sixty, of which the line
uses six. Under a class's autosaves that was 0.2 ms of each request's 7 ms of server
time (docs/performance.md). The line and what it shows are unchanged; an atom the format
does not name is "-", as gunicorn writes an atom it does not have.
"""

from __future__ import annotations

from gunicorn import glogging

from coexist.middleware import AccessLogMiddleware

PATH, USER = f"{{{AccessLogMiddleware.PATH}}}e", f"{{{AccessLogMiddleware.USER}}}e"


class AccessLog(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        return {
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "s": status,
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
            PATH: environ.get(AccessLogMiddleware.PATH, "-"),
            USER: environ.get(AccessLogMiddleware.USER, "-"),
        }
