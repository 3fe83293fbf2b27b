"""The compose deployment, checked the way CI can without a Docker engine: `docker-compose config`
(Debian's docker-compose) over .env.example, then the resolved services read as data."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from f1_lakehouse.lib.settings import REPO_ROOT

COMPOSE = shutil.which("docker-compose")
needs_compose = pytest.mark.skipif(
    COMPOSE is None, reason="docker-compose is not installed (CI installs Debian's docker-compose)"
)
SERVICES = {"postgres", "init", "user_code", "webserver", "daemon", "dashboard", "api"}


def _env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.lstrip().startswith("#")}


def compose_config(env_file: Path) -> subprocess.CompletedProcess[str]:
    # Only PATH and HOME: variables in the caller's environment would override the env file.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [
            COMPOSE,
            "--env-file",
            str(env_file),
            "-f",
            str(REPO_ROOT / "docker-compose.yml"),
            "config",
        ],
        cwd=env_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def resolved() -> dict:
    result = compose_config(REPO_ROOT / ".env.example")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@needs_compose
def test_every_service_is_there(resolved):
    assert set(resolved["services"]) == SERVICES


@needs_compose
def test_every_service_mounts_the_data_root_at_one_path(resolved):
    root = _env_file(REPO_ROOT / ".env.example")["EXTERNAL_DATA_ROOT"]
    for name, service in resolved["services"].items():
        mounts = {(v["source"], v["target"]) for v in service["volumes"] if v["type"] == "bind"}
        assert mounts == {(root, "/data")}, name
        if name != "postgres":
            assert service["environment"]["F1_LAKEHOUSE_ROOT"] == "/data", name
    assert resolved["services"]["postgres"]["environment"]["PGDATA"].startswith("/data/")


@needs_compose
def test_only_the_ui_and_dashboard_are_published_and_only_on_loopback(resolved):
    published = {name: service.get("ports", []) for name, service in resolved["services"].items()}
    assert {name for name, ports in published.items() if ports} == {"webserver", "dashboard", "api"}
    assert published["webserver"] == ["127.0.0.1:3000:3000/tcp"]
    assert published["dashboard"] == ["127.0.0.1:8501:8501/tcp"]
    assert published["api"] == ["127.0.0.1:8000:8000/tcp"]


@needs_compose
def test_the_api_service_serves_the_published_gold_behind_a_token(resolved):
    api = resolved["services"]["api"]
    assert api["command"] == ["f1-lakehouse", "api", "--host", "0.0.0.0", "--port", "8000"]
    token = _env_file(REPO_ROOT / ".env.example")["F1_LAKEHOUSE_API_TOKEN"]
    assert api["environment"]["F1_LAKEHOUSE_API_TOKEN"] == token != ""
    assert api["environment"]["F1_LAKEHOUSE_ROOT"] == "/data"
    assert api["depends_on"]["init"]["condition"] == "service_completed_successfully"


@needs_compose
def test_a_missing_api_token_is_refused(tmp_path):
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    env = tmp_path / ".env"
    env.write_text("\n".join(line for line in lines if "F1_LAKEHOUSE_API_TOKEN" not in line))
    result = compose_config(env)
    assert result.returncode != 0
    assert "F1_LAKEHOUSE_API_TOKEN" in result.stderr


@needs_compose
def test_services_wait_for_postgres_and_the_code_server(resolved):
    services = resolved["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["user_code"]["command"][:3] == ["dagster", "code-server", "start"]
    for name in ("webserver", "daemon"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["user_code"]["condition"] == "service_healthy"
        assert "/opt/dagster/home/workspace.yaml" in services[name]["command"]
    for name in SERVICES - {"postgres", "init"}:
        env = services[name]["environment"]
        assert env["DAGSTER_POSTGRES_HOST"] == "postgres", name
        assert env["DAGSTER_HOME"] == "/opt/dagster/home", name


@needs_compose
def test_a_missing_data_root_is_refused(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DAGSTER_POSTGRES_PASSWORD=x\n")
    result = compose_config(env)
    assert result.returncode != 0
    assert "EXTERNAL_DATA_ROOT" in result.stderr


def test_the_compose_instance_uses_postgres_and_the_local_one_sqlite():
    compose_instance = yaml.safe_load((REPO_ROOT / "deploy" / "dagster.yaml").read_text())
    db = compose_instance["storage"]["postgres"]["postgres_db"]
    assert db["hostname"] == {"env": "DAGSTER_POSTGRES_HOST"}
    assert compose_instance["run_coordinator"]["class"] == "QueuedRunCoordinator"
    local = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text())
    assert "storage" not in local  # SQLite under DAGSTER_HOME, on the data root
    for key in ("concurrency", "run_monitoring", "run_retries", "telemetry"):
        assert compose_instance[key] == local[key], key
    workspace = yaml.safe_load((REPO_ROOT / "deploy" / "workspace.yaml").read_text())
    assert workspace["load_from"] == [
        {"grpc_server": {"host": "user_code", "port": 4000, "location_name": "f1_lakehouse"}}
    ]


def test_the_image_installs_the_package_and_prepares_the_dbt_manifest():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "dagster-dbt project prepare-and-package" in dockerfile
    assert "COPY deploy/dagster.yaml deploy/workspace.yaml /opt/dagster/home/" in dockerfile
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".lakehouse", ".env", ".git"} <= set(ignored)
