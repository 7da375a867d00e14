# The wipflow worker (and the staff CLI) for docker compose; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 wipflow
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY workflows workflows
COPY activities activities
COPY models models
COPY domain domain
COPY store store
COPY intake intake
COPY cli cli
COPY readmodels readmodels
COPY actions actions
COPY gateway gateway
COPY codec codec
COPY web web
COPY notifications notifications
COPY templates templates
COPY locale locale
COPY migrations migrations
COPY programmes programmes
COPY demo demo
COPY worker.py starter.py settings.py shared.py temporal_client.py devserver.py activity_refs.py ./
RUN pip install . && mkdir -p /app/var && chown -R wipflow /app/var
# The sandbox imports a workflow's module for every run: its bytecode is compiled once, here.
RUN python -m compileall -q /app/workflows

USER wipflow
CMD ["python", "worker.py"]
