# Coexist in a container. Everything it runs at start-up is scripts/serve, the same entry
# script as `make serve` and the systemd unit in the README, which the test suite exercises.
# compose.yaml puts it beside PostgreSQL 16; configuration comes from the environment.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BIND=0.0.0.0:8000 \
    DATA_DIR=/data

WORKDIR /app
COPY . .
# Installed in place as `make` does; /data (SQLite if no DATABASE_URL, uploaded images) and
# the collected static files are the only places the app writes.
RUN pip install --no-cache-dir --editable . \
    && useradd --system --user-group --no-create-home --home-dir /nonexistent coexist \
    && mkdir -p /data/media /app/staticfiles \
    && chown coexist:coexist /data /data/media /app/staticfiles

USER coexist
EXPOSE 8000
CMD ["python", "scripts/serve"]
