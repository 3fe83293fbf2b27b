# One image for every f1-lakehouse service (user code, webserver, daemon, dashboard, read API).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DO_NOT_TRACK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    F1_LAKEHOUSE_ROOT=/data \
    DAGSTER_HOME=/opt/dagster/home

WORKDIR /opt/dagster/app

# Dependencies first so code edits do not reinstall them.
COPY pyproject.toml ./
RUN mkdir -p f1_lakehouse && touch f1_lakehouse/__init__.py \
    && pip install --no-cache-dir . \
    && pip uninstall -y f1_lakehouse

COPY f1_lakehouse ./f1_lakehouse
COPY dbt_project ./dbt_project
COPY data ./data
# Editable: Dagster's defs loading finds the project root through pyproject.toml, and the
# settings find the bundled recordings (data/) next to the package.
RUN pip install --no-cache-dir --no-deps -e . \
    && dagster-dbt project prepare-and-package --file f1_lakehouse/lib/dbt/project.py

# The compose instance: Postgres storage, settings from the environment (deploy/dagster.yaml).
COPY deploy/dagster.yaml deploy/workspace.yaml /opt/dagster/home/

VOLUME ["/data"]
