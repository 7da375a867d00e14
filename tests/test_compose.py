"""docker-compose.yml for users with Docker, and the Kubernetes example beside Temporal's Helm chart
(docker/kubernetes/wipflow.yaml). No Docker engine or cluster runs where wipflow is developed, so
this checks the files the way an engine would start to: they parse, images are pinned, every
dependency and mounted file exists, ports do not clash, the worker scales to N replicas, the app's
environment is what settings.py reads, and the worker's and the migration's commands exist."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from settings import PROJECT_ROOT, Settings
from shared import SEARCH_ATTRIBUTES, TYPE_NAMES

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES: dict = COMPOSE["services"]
APP_SERVICES = ["worker", "migrate", "web"]


def env_of(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment", {})
    return env if isinstance(env, dict) else dict(e.split("=", 1) for e in env)


def test_every_image_is_pinned():
    for name, service in SERVICES.items():
        if "build" in service:
            continue
        image = service["image"]
        tag = image.rsplit(":", 1)[1] if ":" in image else ""
        default = re.fullmatch(r"\$\{\w+:-([\w.\-]+)\}", tag)
        assert tag and tag != "latest" and (default or "$" not in tag), f"{name}: {image}"
        assert not (default and default.group(1) == "latest"), name


def test_no_deprecated_setup_image():
    images = [s.get("image", "") for s in SERVICES.values()]
    assert not any("auto-setup" in i for i in images)


def test_dependencies_exist_and_wait_for_readiness():
    for name, service in SERVICES.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in SERVICES, f"{name} depends on unknown {target}"
            wanted = rule["condition"]
            assert wanted in {"service_healthy", "service_completed_successfully"}
            if wanted == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{target} has no healthcheck"
    assert SERVICES["worker"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_host_ports_are_unique_and_serve_temporal_and_its_ui():
    ports = [p.split(":")[0] for s in SERVICES.values() for p in s.get("ports", []) if ":" in p]
    assert len(ports) == len(set(ports))
    assert {"7233", "8080"} <= set(ports)


def test_bind_mounts_exist_in_the_repository():
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (PROJECT_ROOT / source).exists(), f"{name}: {source}"
            else:
                assert source in COMPOSE["volumes"], f"{name}: undeclared volume {source}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_app_reads_every_variable_it_is_given(service):
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env_of(service)) <= fields


@pytest.mark.parametrize("service", APP_SERVICES)
def test_database_and_temporal_addresses_point_at_services(service):
    env = env_of(service)
    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg" and url.hostname in SERVICES
    db = SERVICES[url.hostname]["environment"]
    assert url.path.lstrip("/") == db["POSTGRES_DB"] and url.username == db["POSTGRES_USER"]
    if "TEMPORAL_ADDRESS" in env:
        assert env["TEMPORAL_ADDRESS"].split(":")[0] in SERVICES


@pytest.mark.integration  # a starter.py process
def test_the_worker_and_migration_commands_exist():
    assert SERVICES["worker"]["command"] == ["python", "worker.py"]
    assert (PROJECT_ROOT / "worker.py").exists()
    assert SERVICES["migrate"]["command"] == ["python", "starter.py", "db", "upgrade"]
    help_text = subprocess.run(
        [sys.executable, "starter.py", "db", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "upgrade" in help_text


def test_the_dockerfile_copies_what_the_worker_imports():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \["python", "worker.py"\]', dockerfile, re.M)
    assert ":latest" not in dockerfile
    copied = set(re.findall(r"^COPY (.+?) \S+$", dockerfile, re.M))
    words = {w for line in copied for w in line.split()}
    packages = [
        p.name for p in PROJECT_ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"
    ]
    assert set(packages) <= words, set(packages) - words
    modules = {
        p.name for p in PROJECT_ROOT.glob("*.py")
    }  # every top-level module, e.g. activity_refs
    assert modules | {"alembic.ini"} <= words, (modules | {"alembic.ini"}) - words
    assert {"migrations", "programmes", "templates"} <= words


def test_the_package_installs_every_top_level_module():
    declared = set(
        tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
            "py-modules"
        ]
    )
    assert declared == {p.stem for p in PROJECT_ROOT.glob("*.py")}


@pytest.mark.integration  # an sh process per script
@pytest.mark.parametrize(
    "script", sorted((PROJECT_ROOT / "docker").rglob("*.sh")), ids=lambda p: p.name
)
def test_shell_scripts_parse(script: Path):
    subprocess.run(["sh", "-n", str(script)], check=True)


def test_bootstrap_creates_every_search_attribute():
    script = (PROJECT_ROOT / "docker" / "temporal" / "scripts" / "bootstrap.sh").read_text()
    for key in SEARCH_ATTRIBUTES:
        assert f"{key.name}:{TYPE_NAMES[key.indexed_value_type]}" in script


def test_the_worker_publishes_its_metrics_port():
    address = env_of("worker")["METRICS_ADDRESS"]
    host, _, port = address.rpartition(":")
    assert host == "0.0.0.0"  # inside its container, reachable from Prometheus outside it
    assert port in SERVICES["worker"]["ports"]  # on a host port Docker picks for each replica


def test_the_worker_service_scales():
    """`docker compose up --scale worker=3` starts three only if no replica claims what one
    container alone can hold (a container name, a fixed host port), and all three carry one
    session only if they share its task queue, database and keys with each other and the web
    app: the keys on a named volume every replica mounts (the first to start writes them)."""
    worker = SERVICES["worker"]
    assert "container_name" not in worker and "hostname" not in worker
    assert all(":" not in str(port) for port in worker.get("ports", []))
    assert "replicas" not in worker.get("deploy", {})  # --scale decides
    mounted = {v.split(":")[0]: v.split(":")[1] for v in worker["volumes"]}
    assert set(mounted) <= set(COMPOSE["volumes"])  # named, so shared, not per container
    for keys in ("LINK_KEYS_FILE", "PAYLOAD_KEYS_FILE"):
        assert any(env_of("worker")[keys].startswith(path + "/") for path in mounted.values())
    for shared in ("TEMPORAL_ADDRESS", "TEMPORAL_TASK_QUEUE", "DATABASE_URL", "PAYLOAD_KEYS_FILE"):
        assert env_of("worker")[shared] == env_of("web")[shared], shared


@pytest.mark.integration  # a starter.py process
def test_the_web_app_runs_from_the_same_image_and_signs_with_the_workers_key():
    web, worker = SERVICES["web"], SERVICES["worker"]
    assert web["build"] == worker["build"] == "."
    assert web["command"][:3] == ["python", "starter.py", "web"]
    port = web["command"][web["command"].index("--port") + 1]
    assert f"{port}:{port}" in web["ports"]
    assert urlsplit(env_of("web")["PUBLIC_URL"]).port == int(port)
    # The links the worker signs, the web app verifies: one key file, on one shared volume.
    # So do the payloads the worker seals, which the web app opens (a film's page, the codec
    # endpoint): one master key file beside it.
    shared = {v.split(":")[0] for v in web["volumes"]} & {
        v.split(":")[0] for v in worker["volumes"]
    }
    for keys in ("LINK_KEYS_FILE", "PAYLOAD_KEYS_FILE"):
        assert env_of("web")[keys] == env_of("worker")[keys]
        assert any(
            env_of("web")[keys].startswith(v.split(":")[1])
            for v in web["volumes"]
            if v.split(":")[0] in shared
        )
    help_text = subprocess.run(
        [sys.executable, "starter.py", "web", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--port" in help_text


KUBERNETES = list(
    yaml.safe_load_all((PROJECT_ROOT / "docker" / "kubernetes" / "wipflow.yaml").read_text())
)


def manifest(kind: str, name: str) -> dict:
    (found,) = [d for d in KUBERNETES if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def pod(name: str) -> dict:
    return manifest("Deployment", name)["spec"]["template"]["spec"]


def test_the_kubernetes_example_runs_n_workers_and_the_web_app_from_one_image():
    worker, web = pod("wipflow-worker"), pod("wipflow-web")
    assert manifest("Deployment", "wipflow-worker")["spec"]["replicas"] >= 2
    (w,), (a,) = worker["containers"], web["containers"]
    (m,) = manifest("Job", "wipflow-migrate")["spec"]["template"]["spec"]["containers"]
    assert w["image"] == a["image"] == m["image"] and ":latest" not in w["image"]
    assert w["command"] == SERVICES["worker"]["command"]
    assert a["command"] == SERVICES["web"]["command"]
    assert m["command"] == SERVICES["migrate"]["command"]
    assert not any("hostPort" in p for c in (w, a) for p in c.get("ports", []))
    # The worker stops polling on SIGTERM and lets running tasks finish for 10 s (worker.py).
    assert worker["terminationGracePeriodSeconds"] > 10
    assert a["readinessProbe"]["httpGet"]["path"] == "/healthz"
    service = manifest("Service", "wipflow-web")["spec"]
    assert (
        service["selector"]
        == manifest("Deployment", "wipflow-web")["spec"]["selector"]["matchLabels"]
    )


def test_the_kubernetes_pods_share_queue_database_and_keys_and_read_only_known_settings():
    """Workers and the web app take one ConfigMap and one Secret: the same Temporal frontend
    (the Helm chart's Service), task queue, database and keys. The keys are the Secret's, never
    a file per pod (each pod would make its own, and none could open another's payloads)."""
    fields = {name.upper() for name in Settings.model_fields}
    config = manifest("ConfigMap", "wipflow")["data"]
    assert set(config) <= fields
    assert {"TEMPORAL_ADDRESS", "TEMPORAL_TASK_QUEUE", "WORKER_CACHED_WORKFLOWS"} <= set(config)
    host, _, port = config["TEMPORAL_ADDRESS"].rpartition(":")
    assert host.endswith("-frontend") and port == "7233"
    secrets = {"DATABASE_URL", "PAYLOAD_KEYS", "LINK_KEYS"}
    assert not secrets & set(config)
    header = (PROJECT_ROOT / "docker" / "kubernetes" / "wipflow.yaml").read_text()
    assert all(f"--from-literal={name}=" in header for name in secrets)  # how it is made
    sources = []
    for name in ("wipflow-worker", "wipflow-web"):
        (container,) = pod(name)["containers"]
        sources.append(container["envFrom"])
        assert {e["name"] for e in container.get("env", [])} <= fields
    assert sources[0] == sources[1]
    assert {"configMapRef": {"name": "wipflow"}} in sources[0]
    assert {"secretRef": {"name": "wipflow"}} in sources[0]
