# Firebreak in a container: `docker build -t firebreak .` then `docker run --env-file .env -p 3000:3000 -v
# firebreak-data:/data firebreak`, or `docker compose up` for Firebreak with PostgreSQL (docker-compose.yml).

# -- build: install the package and its dependencies into a virtualenv that the runtime stage copies -----------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/firebreak
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY incidents ./incidents
COPY storage ./storage
COPY postmortem ./postmortem
COPY charts ./charts
COPY scheduling ./scheduling
COPY firebreak ./firebreak
COPY slacksim ./slacksim
COPY intake ./intake
RUN /opt/firebreak/bin/pip install .

# -- runtime: the virtualenv, a non-root user, and /data for the SQLite default ----------------------------------
FROM python:3.11-slim
RUN groupadd --system --gid 10001 firebreak \
    && useradd --system --uid 10001 --gid firebreak --home-dir /data --shell /usr/sbin/nologin firebreak \
    && mkdir -p /data \
    && chown firebreak:firebreak /data
COPY --from=build /opt/firebreak /opt/firebreak
COPY manifest.yml firebreak.example.yml /opt/firebreak/share/
ENV PATH=/opt/firebreak/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=3000 \
    DATABASE_URL=sqlite+aiosqlite:////data/firebreak.db
# The working directory is where a policy file is looked for (./firebreak.yml): mount one at
# /data/firebreak.yml, or anywhere with FIREBREAK_CONFIG.
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 3000
# No curl in the slim image: Python asks /healthz, and any answer but 200 (or none within 4 s) is unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"
CMD ["firebreak", "run"]
