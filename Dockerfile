# The app image for docker-compose.yml and production. The database is a separate server
# (DP_DATABASE_URL); the embedded PostgreSQL is for development only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DP_ENV=production DP_HOST=0.0.0.0 DP_PORT=8000 DP_LOG_FORMAT=json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY dp_platform ./dp_platform
COPY agreements ./agreements
COPY payroll ./payroll
COPY ledgers ./ledgers
RUN pip install --no-cache-dir . && useradd --system --no-create-home dp

USER dp
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"
CMD ["dp-platform", "serve"]
