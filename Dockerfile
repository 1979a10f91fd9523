# feedback360: build a wheel, then run it as a non-root user under gunicorn.
# The base image is a build argument (a mirror, a pinned digest); Debian bookworm's packages
# are named below, so another base must be bookworm too.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY surveys ./surveys
COPY reports ./reports
# Only the catalogs' .po files are in git: compile them into the wheel.
RUN pip install --no-cache-dir "babel>=2.14" \
    && pybabel compile -d service/translations \
    && pybabel compile -D report -d reports/translations \
    && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM ${BASE_IMAGE}
# The Makefile's SYSTEM_PACKAGES but the test-only ones (tests/test_image_packages.py checks):
# Pango and HarfBuzz for WeasyPrint's PDFs, fonts for the text, Chromium for chart export,
# PostgreSQL's client programs for `feedback360 backup` of a PostgreSQL database.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-inter fonts-dejavu-core \
        chromium postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 feedback360 \
    && mkdir /data && chown feedback360 /data
ENV INSTANCE_PATH=/data \
    BROWSER_PATH=/usr/bin/chromium \
    PYTHONUNBUFFERED=1
USER feedback360
VOLUME /data
EXPOSE 8000
# Web server by default; run `feedback360 worker` from the same image for background jobs.
# service/gunicorn_conf.py: logs that mask the tokens of survey and sign-in links, and
# metrics summed over the workers. GET /readyz answers 200 once every part the server needs does.
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "feedback360 db upgrade && exec gunicorn -c python:service.gunicorn_conf --bind 0.0.0.0:8000 --workers 2 service.wsgi:app"]
