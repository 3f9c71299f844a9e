FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg \
    STUDYBOT_DATA_DIR=/app/data \
    STUDYBOT_DB=/app/data/db/studybot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
# .dockerignore keeps any local database (data/*.sqlite3*) out of this copy.
COPY data ./data
RUN pip install . \
    && useradd --create-home --uid 1000 studybot \
    && mkdir -p /app/data/db \
    && chown studybot /app/data/db

USER studybot
# The database (and its backups) live in a volume; prompts, resources and curricula ship in the image.
VOLUME ["/app/data/db"]
# studybot handles SIGTERM itself (closes the scheduler, the workers and the database, exits 0),
# also as PID 1; compose adds `init: true` so worker processes are reaped too.
STOPSIGNAL SIGTERM
# Healthy = the database opens and the scheduler ticked within 3 minutes (it ticks every 30 s).
HEALTHCHECK --interval=60s --timeout=15s --start-period=120s --retries=3 CMD ["studybot", "health"]
CMD ["studybot", "run"]
