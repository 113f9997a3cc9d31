"""gunicorn's settings for `make serve` (scripts/serve), read from the environment and .env.

Defaults are sized for a 2-core server. Three processes keep both cores busy while one
waits or restarts; four threads in each let a class's autosaves, which mostly wait on the
database, overlap instead of queueing: twelve requests in flight in about 250 MB. A bigger
machine raises WEB_WORKERS (about cores + 1) before WEB_THREADS, because Python runs one
thread of a process at a time. Each thread keeps its own database connection, so
WEB_WORKERS × WEB_THREADS per server must stay below PostgreSQL's max_connections.
"""

from __future__ import annotations

from coexist.env import env_int, env_str
from coexist.envfile import load_env_file

load_env_file()

wsgi_app = "coexist.wsgi:application"
bind = [env_str("BIND") or f"127.0.0.1:{env_int('PORT', 8000, minimum=1, maximum=65535)}"]
worker_class = "gthread"
workers = env_int("WEB_WORKERS", 3, minimum=1)
threads = env_int("WEB_THREADS", 4, minimum=1)
# Each worker listens on its own socket and the kernel shares new connections out among
# them. With one shared socket, whichever worker woke first took them: one could hold
# every kept-alive connection of a class (or of Caddy's pool) while the others idled,
# halving what the server answers (docs/performance.md). The flip side: a second server
# started on the same port by mistake shares it too, rather than failing to start. Only for
# TCP: on a Unix socket each worker would take the path from the one before.
reuse_port = not any(address.startswith(("unix:", "fd://")) for address in bind)

# One line per request on stdout: time, method, path without the query string, status,
# duration and the user's id (coexist.middleware.AccessLogMiddleware puts the last two
# there). gunicorn's own errors and Django's, with tracebacks, go to stderr.
accesslog = "-"
access_log_format = "%(t)s %(m)s %({coexist.path}e)s %(s)s %(M)sms user=%({coexist.user}e)s"
# Makes only the atoms that line names (coexist/accesslog.py): a format naming others needs
# gunicorn's own logger, "gunicorn.glogging.Logger", back.
logger_class = "coexist.accesslog.AccessLog"
errorlog = "-"

# gunicorn 25+ opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn: nothing here uses
# it, the container's user has no home to write to, and two servers on one host would share it.
control_socket_disable = True


def when_ready(server):
    """gunicorn names the address it listens on only when it opens the socket itself;
    with a socket per worker (reuse_port) the line would be empty, so it is written here."""
    if server.cfg.reuse_port:
        for address in server.cfg.bind:
            server.log.info("Listening at: http://%s, one socket per worker", address)


def post_worker_init(worker):
    """Once the worker has loaded Django, the settings, URLs and every module: these live
    as long as the process, so the cyclic garbage collector is told to stop walking them
    (`gc.freeze`). Each collection then looks only at what requests made: about 0.13 ms
    of a student's average request less (docs/performance.md)."""
    import gc

    gc.freeze()
