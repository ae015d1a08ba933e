# One image for every Sunlight process of the server deployment (api, relay, projector, ui);
# docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Asia/Shanghai

# libpq for psycopg (eventsourcing's PostgreSQL recorder)
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 sunlight

WORKDIR /app
COPY . .
RUN pip install . && chown sunlight:sunlight /app

USER sunlight
EXPOSE 8000 8501
CMD ["sunlight", "api", "--mode", "server", "--port", "8000"]
