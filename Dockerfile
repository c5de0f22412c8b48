# One image recipe for every service; build from the repository root with the service's name and
# port from shared/registry.py, e.g.:
#   docker build --build-arg SERVICE=catalogue --build-arg PORT=8101 -t reform-catalogue .
FROM python:3.11-slim

ARG SERVICE
ARG PORT

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml ./
COPY shared/ ./shared/
COPY services/ ./services/
COPY reform/ ./reform/
RUN test -n "$SERVICE" && test -n "$PORT" && pip install --no-cache-dir .

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/reform --no-create-home reform \
    && mkdir -p /var/lib/reform \
    && chown reform:reform /var/lib/reform

ENV SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=${PORT} \
    DATA_DIR=/var/lib/reform \
    TOKENS_FILE=/var/lib/reform/tokens.json

USER reform
VOLUME ["/var/lib/reform"]
EXPOSE ${PORT}

HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['HTTP_PORT'], timeout=3)"]

CMD ["sh", "-c", "exec reform run \"$SERVICE\""]
