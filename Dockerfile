# feedback360: build a wheel, then run it as a non-root user under gunicorn.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY surveys ./surveys
COPY reports ./reports
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
# Pango and HarfBuzz for WeasyPrint's PDFs, fonts for the text, Chromium for chart export.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-inter fonts-dejavu-core chromium \
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
# The access log masks the tokens of survey and sign-in links (service/access_log.py).
CMD ["sh", "-c", "feedback360 db upgrade && exec gunicorn --bind 0.0.0.0:8000 --workers 2 --access-logfile - --logger-class service.access_log.TokenMaskingLogger service.wsgi:app"]
