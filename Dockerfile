# Devices for Children: one image for the web server, the Celery worker, beat and the
# operator's commands (`dfc migrate`, `dfc create-user`, ...). See docs/production.md.
#
#   docker build -t devices-for-children .

# --- Stage 1: GOV.UK Frontend's CSS, JavaScript, fonts and images, pinned by package-lock.json.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- Stage 2: build our wheel, so no source tree or build tooling is left in the final image.
FROM python:3.11-slim AS wheel
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# --- Stage 3: the image we run.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 dfc \
    && useradd --system --uid 10001 --gid dfc --home-dir /app --shell /usr/sbin/nologin dfc

COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/*.whl && rm -rf /tmp/wheels

# Translations. dfc/i18n.py reads LOCALES_DIR = <folder holding the dfc package>/../locales.
# The wheel force-includes the repository's locales/ (pyproject.toml), so after a normal,
# non-editable install that is site-packages/locales, holding the .po files. We compile the
# .mo files right there, at the path the app itself computes, so the two cannot disagree.
# pybabel fails the build if no catalogue is found, rather than shipping English only.
RUN LOCALES_DIR="$(python -c 'from dfc.i18n import LOCALES_DIR; print(LOCALES_DIR)')" \
    && pybabel compile -d "$LOCALES_DIR" -D messages \
    && ls "$LOCALES_DIR"/*/LC_MESSAGES/messages.mo > /dev/null

# The service runs from /app: GOV.UK Frontend under node_modules/ (GOVUK_FRONTEND_DIR is
# relative to the working directory by default; set absolute here) and VAR_DIR on a volume.
# No Python source lives in /app, so nothing shadows the installed packages.
WORKDIR /app
COPY --from=assets /build/node_modules/govuk-frontend/dist /app/node_modules/govuk-frontend/dist
RUN mkdir -p /app/var && chown dfc:dfc /app/var
ENV VAR_DIR=/app/var \
    GOVUK_FRONTEND_DIR=/app/node_modules/govuk-frontend/dist/govuk \
    HOST=0.0.0.0 \
    PORT=8000

USER dfc
EXPOSE 8000

# Liveness only (/readyz also checks the database and the broker). slim has no curl.
# Worker, beat and one-shot containers should turn this off (docker-compose.yml does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["dfc", "serve", "--host", "0.0.0.0", "--port", "8000"]
