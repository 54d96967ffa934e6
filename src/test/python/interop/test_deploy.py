"""The deployment files against the application they deploy.

No Docker engine and no Kubernetes cluster exist where this runs, so nothing here builds an image
or applies a manifest. Instead:

* every manifest in k8s/ (and, when kubectl is on the PATH, what ``kubectl kustomize k8s`` renders)
  is validated against the Kubernetes OpenAPI schema bundled in ``kubernetes-validate`` (offline,
  strict: unknown fields fail);
* the probes, ports, env names, secrets and config maps the manifests use are checked against the
  application: its configured ports (src/main/resources/application.properties), the env names it
  reads, and the health endpoints of the real gateway started by conftest.py, which are on its
  management port and not on the public one;
* the Dockerfile is parsed: stages and targets, COPY sources, EXPOSE, USER, VOLUME, ENV, and that
  no runtime stage ships the sample catalog or a sample token;
* the JVM image's command line (ENTRYPOINT with the image's ENV) is run for real on the packaged
  gateway, with the catalog mounted the way a ConfigMap volume is (..data symlinks), and with the
  image's own empty catalog;
* the Secret's placeholders are shown to stop the gateway at start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import kubernetes_validate
import pytest
import requests
import yaml

from conftest import ANALYST_TOKEN, PARTNER_PROFILE, REPO_ROOT, SHARES_DIR, _absolute_locations, _free_port

K8S_DIR = REPO_ROOT / "k8s"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
APP_PROPERTIES = REPO_ROOT / "src/main/resources/application.properties"
KUBERNETES_VERSION = "1.37.0"
ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED"
# Env names the image itself reads (not the application): the JVM image's command expands JAVA_OPTS,
# glibc's malloc reads MALLOC_ARENA_MAX.
IMAGE_ENV = {"JAVA_OPTS", "MALLOC_ARENA_MAX"}
RUNTIME_STAGES = ("native", "jvm")


# --------------------------------------------------------------------------------------------
# What the application reads
# --------------------------------------------------------------------------------------------


def _app_properties() -> dict[str, str]:
    """application.properties of the default (prod) profile, ``${ENV:default}`` resolved to the default."""
    props = {}
    for line in APP_PROPERTIES.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("%") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        props[key.strip()] = re.sub(r"\$\{[A-Z0-9_]+:([^}]*)\}", r"\1", value.strip())
    return props


def _app_env_names() -> set[str]:
    """Env names application.properties maps onto configuration keys (``${NAME:default}``)."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)[:}]", APP_PROPERTIES.read_text()))


def _app_ports() -> dict[str, int]:
    props = _app_properties()
    return {
        "http": int(props["quarkus.http.port"]),
        "flight": int(props["goldgate.flight.port"]),
        "management": int(props["quarkus.management.port"]),
    }


# --------------------------------------------------------------------------------------------
# The manifests
# --------------------------------------------------------------------------------------------


def _kustomization() -> dict:
    return yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())


def _manifests() -> list[tuple[Path, dict]]:
    """Every resource of the files kustomization.yaml lists, in order."""
    docs = []
    for name in _kustomization()["resources"]:
        path = K8S_DIR / name
        docs.extend((path, doc) for doc in yaml.safe_load_all(path.read_text()) if doc)
    return docs


def _one(kind: str) -> dict:
    found = [doc for _, doc in _manifests() if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind} in k8s/, found {len(found)}"
    return found[0]


def _container() -> dict:
    containers = _one("Deployment")["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["goldgate"]
    return containers[0]


def _probes() -> dict[str, dict]:
    container = _container()
    return {kind: container[kind] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}


def _env(container: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container["env"]}


def test_given_the_kustomization_then_every_listed_file_and_generator_source_exists():
    kustomization = _kustomization()
    for name in kustomization["resources"]:
        assert (K8S_DIR / name).is_file(), name
    for generator in kustomization["configMapGenerator"]:
        for name in generator["files"]:
            assert (K8S_DIR / name).is_file(), f"{generator['name']}: {name}"
    # every manifest file in k8s/ is part of the kustomization (none is silently left out)
    listed = set(kustomization["resources"]) | {"kustomization.yaml"}
    assert {p.name for p in K8S_DIR.glob("*.yaml")} == listed


@pytest.mark.parametrize("path", sorted(p.name for p in K8S_DIR.glob("*.yaml") if p.name != "kustomization.yaml"))
def test_given_a_manifest_then_it_validates_strictly_against_the_kubernetes_schema(path):
    docs = [doc for doc in yaml.safe_load_all((K8S_DIR / path).read_text()) if doc]
    assert docs, path
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_given_a_manifest_with_an_unknown_field_then_the_validator_rejects_it():
    # The validation above is only worth something if it fails on mistakes: a misspelt probe field
    # and a port given as a word.
    deployment = _one("Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["periodSecond"] = 5
    with pytest.raises(kubernetes_validate.ValidationError, match="periodSecond"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    service = _one("Service")
    service["spec"]["ports"][0]["port"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(service, KUBERNETES_VERSION, strict=True)


def test_given_kubectl_when_the_kustomization_is_rendered_then_every_resource_validates_and_config_maps_are_wired():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on the PATH: the rendered kustomization is not checked (the files are, above)")
    rendered = subprocess.run([kubectl, "kustomize", str(K8S_DIR)], capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    docs = [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    kinds = sorted(doc["kind"] for doc in docs)
    assert kinds == sorted(
        ["ConfigMap", "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret", "Service"]
    )
    config_maps = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "ConfigMap"}
    deployment = next(doc for doc in docs if doc["kind"] == "Deployment")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    # the generated names (with their content hash) are the ones the pods mount
    shares = config_maps[volumes["shares"]["configMap"]["name"]]
    assert shares["metadata"]["name"].startswith("goldgate-shares-")
    assert set(shares["data"]) == {"gold.yaml"}
    assert yaml.safe_load(shares["data"]["gold.yaml"]) == yaml.safe_load((K8S_DIR / "config/shares/gold.yaml").read_text())
    defs = config_maps[volumes["feature-defs"]["configMap"]["name"]]
    assert set(defs["data"]) == {"customers.yaml", "inventory.yaml"}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "goldgate:latest"


def test_given_the_deployment_then_container_ports_are_the_application_ports():
    ports = {p["name"]: p["containerPort"] for p in _container()["ports"]}
    assert ports == _app_ports()


def test_given_the_service_then_it_exposes_http_and_flight_on_the_container_ports_and_not_management():
    container_ports = {p["name"]: p["containerPort"] for p in _container()["ports"]}
    service = _one("Service")
    pod_labels = _one("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    by_name = {p["name"]: p for p in service["spec"]["ports"]}
    # whatever the Service is exposed through (Ingress, LoadBalancer) never reaches health or metrics
    assert set(by_name) == {"http", "flight"}
    assert _app_ports()["management"] not in {p["port"] for p in by_name.values()}
    assert _app_ports()["management"] not in {container_ports.get(p["targetPort"], p["targetPort"]) for p in by_name.values()}
    for name, port in by_name.items():
        target = port["targetPort"]
        resolved = container_ports[target] if isinstance(target, str) else target
        assert resolved == _app_ports()[name], f"service port {name} targets {target}"
        assert port["port"] == _app_ports()[name]


def test_given_the_probes_then_they_use_http_gets_on_the_declared_management_port():
    declared = {p["name"]: p["containerPort"] for p in _container()["ports"]}
    assert declared["management"] == _app_ports()["management"]
    for kind, probe in _probes().items():
        get = probe["httpGet"]
        assert get["port"] in declared, f"{kind} port {get['port']} is not a declared container port"
        assert get["port"] == "management", kind
    assert _probes()["startupProbe"]["httpGet"]["path"] == "/q/health/started"
    assert _probes()["livenessProbe"]["httpGet"]["path"] == "/q/health/live"
    assert _probes()["readinessProbe"]["httpGet"]["path"] == "/q/health/ready"


def test_given_the_running_gateway_then_every_probe_path_answers_200_up_on_management_and_404_on_http(gateway):
    for kind, probe in _probes().items():
        path = probe["httpGet"]["path"]
        response = requests.get(gateway.management_url + path, timeout=10)
        assert response.status_code == 200, f"{kind} {path}: {response.status_code} {response.text}"
        assert response.json()["status"] == "UP", f"{kind} {path}: {response.text}"
        assert requests.get(gateway.url + path, timeout=10).status_code == 404, f"{kind} {path} on the public port"


def test_given_the_running_gateway_then_the_scrape_annotation_names_its_prometheus_endpoint(gateway):
    annotations = _one("Deployment")["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == _app_ports()["management"]
    response = requests.get(gateway.management_url + annotations["prometheus.io/path"], timeout=10)
    assert response.status_code == 200
    assert "# TYPE" in response.text
    assert requests.get(gateway.url + annotations["prometheus.io/path"], timeout=10).status_code == 404


def test_given_the_deployment_env_then_the_application_or_the_image_reads_every_name():
    readable = _app_env_names() | IMAGE_ENV
    unknown = set(_env(_container())) - readable
    assert not unknown, f"env names nothing reads: {sorted(unknown)} (application.properties maps {sorted(_app_env_names())})"


def test_given_the_deployment_env_then_it_repeats_the_jvm_images_memory_settings():
    image_env = _env_of(_stage("jvm"))
    deployment_env = _env(_container())
    for name in sorted(IMAGE_ENV):
        assert deployment_env[name]["value"] == image_env[name], name
    assert image_env["MALLOC_ARENA_MAX"] == "2"


def test_given_the_deployment_env_then_secrets_come_from_the_secret_and_redis_is_shared():
    env = _env(_container())
    secret = _one("Secret")
    for name in ("GOLDGATE_SIGNING_KEY", "GOLDGATE_ADMIN_TOKEN", "GOLDGATE_REDIS_URL"):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret["metadata"]["name"], name
        assert ref["key"] in secret["stringData"], f"{name}: key {ref['key']} is not in the Secret"
        assert "value" not in env[name], f"{name} must not be inline"
    assert env["GOLDGATE_REDIS_CLUSTER"]["value"] in ("true", "false")
    # more than one replica: state must be in Redis, not in the pod (embedded mode is single-replica)
    assert _one("Deployment")["spec"]["replicas"] >= 2
    assert secret["stringData"]["redis-url"].startswith(("redis://", "rediss://"))


def test_given_the_secret_placeholders_then_each_is_too_short_to_be_accepted():
    for key in ("signing-key", "admin-token"):
        assert len(_one("Secret")["stringData"][key]) < 32, key


def test_given_the_pod_then_it_runs_as_non_root_on_a_read_only_root_with_no_capabilities():
    pod = _one("Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    context = _container()["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"]["drop"] == ["ALL"]
    resources = _container()["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"]


def test_given_a_read_only_root_then_the_state_dir_and_tmp_are_writable_empty_dirs():
    pod = _one("Deployment")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in _container()["volumeMounts"]}
    state_dir = _env(_container())["GOLDGATE_STATE_DIR"]["value"]
    for path in (state_dir, "/tmp"):
        mount = mounts[path]
        assert "emptyDir" in volumes[mount["name"]], path
        assert not mount.get("readOnly", False), path
    env = _env(_container())
    for name, volume in (("GOLDGATE_SHARES_DIR", "shares"), ("GOLDGATE_FEATURES_DIR", "feature-defs")):
        mount = mounts[env[name]["value"]]
        assert mount["name"] == volume and mount["readOnly"] is True
        generated = {g["name"] for g in _kustomization()["configMapGenerator"]}
        assert volumes[volume]["configMap"]["name"] in generated


def test_given_the_autoscaler_and_disruption_budget_then_they_target_the_deployment():
    deployment = _one("Deployment")
    hpa = _one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment["metadata"]["name"]}
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    pdb = _one("PodDisruptionBudget")
    assert pdb["apiVersion"] == "policy/v1"
    assert pdb["spec"]["selector"]["matchLabels"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    assert deployment["spec"]["selector"]["matchLabels"] == pdb["spec"]["selector"]["matchLabels"]


def test_given_the_k8s_catalog_then_tables_are_absolute_and_feature_views_read_its_tables():
    catalog = yaml.safe_load((K8S_DIR / "config/shares/gold.yaml").read_text())
    tables = set()
    for share in catalog["shares"]:
        for schema in share["schemas"]:
            for table in schema["tables"]:
                assert re.match(r"^(s3|file):/", table["location"]), table
                tables.add(f"{share['name']}.{schema['name']}.{table['name']}")
    for path in sorted((K8S_DIR / "config/feature-defs").glob("*.yaml")):
        for view in yaml.safe_load(path.read_text()).get("featureViews", []):
            assert view["source"]["table"] in tables, f"{path.name}: {view['name']} reads {view['source']['table']}"


# --------------------------------------------------------------------------------------------
# The Dockerfile
# --------------------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def all(self, instruction: str) -> list[str]:
        return [args for ins, args in self.instructions if ins == instruction]


def _dockerfile() -> tuple[dict[str, str], list[Stage]]:
    """(global ARG defaults, stages in order); continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(l for l in DOCKERFILE.read_text().splitlines() if not l.lstrip().startswith("#")))
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        instruction, _, rest = line.partition(" ")
        instruction, rest = instruction.upper(), rest.strip()
        if instruction == "FROM":
            m = re.match(r"^(\S+)\s+AS\s+(\S+)$", rest, re.IGNORECASE)
            assert m, f"every stage is named: FROM {rest}"
            base = re.sub(r"\$\{(\w+)\}", lambda a: args[a.group(1)], m.group(1))
            stages.append(Stage(m.group(2), base))
        elif not stages:
            assert instruction == "ARG", line
            name, _, default = rest.partition("=")
            args[name] = default
        else:
            stages[-1].instructions.append((instruction, rest))
    return args, stages


def _stage(name: str) -> Stage:
    return next(s for s in _dockerfile()[1] if s.name == name)


def _copy(args: str) -> tuple[dict[str, str], list[str], str]:
    flags, paths = {}, []
    for token in shlex.split(args):
        if token.startswith("--"):
            key, _, value = token[2:].partition("=")
            flags[key] = value
        else:
            paths.append(token)
    return flags, paths[:-1], paths[-1]


def _env_of(stage: Stage) -> dict[str, str]:
    env = {}
    for args in stage.all("ENV"):
        for token in shlex.split(args):
            key, _, value = token.partition("=")
            env[key] = value
    return env


def test_given_the_dockerfile_then_the_default_target_is_the_jvm_image_and_native_is_a_target():
    _, stages = _dockerfile()
    assert [s.name for s in stages] == ["build", "native-build", "native", "jvm"]
    assert stages[-1].name == "jvm", "the last stage is what `docker build .` produces"
    assert "mandrel-builder-image" in _stage("native-build").base
    assert any("-Dnative" in run for run in _stage("native-build").all("RUN"))
    assert "quarkus-micro-image" in _stage("native").base
    assert any("./mvnw" in run and "package" in run for run in _stage("build").all("RUN"))


def test_given_the_dockerfile_then_every_copy_source_exists_and_is_not_docker_ignored():
    ignored = {l.strip().rstrip("/") for l in DOCKERIGNORE.read_text().splitlines() if l.strip() and not l.startswith("#")}
    stages = [s.name for s in _dockerfile()[1]]
    for stage in _dockerfile()[1]:
        for args in stage.all("COPY"):
            flags, sources, _dest = _copy(args)
            if "from" in flags:
                assert flags["from"] in stages[: stages.index(stage.name)], f"{stage.name}: COPY --from={flags['from']}"
                continue
            for source in sources:
                assert (REPO_ROOT / source).exists(), f"{stage.name}: COPY {source} does not exist in the repository"
                assert source.rstrip("/").split("/")[0] not in ignored, f"{stage.name}: COPY {source} is in .dockerignore"


def test_given_the_packaged_gateway_then_the_jvm_stage_copies_paths_maven_produces():
    # The build stage runs `./mvnw package`, as the interop suite's own build did: the fast-jar
    # layout the JVM stage copies from must be the one this build produced.
    for args in _stage("jvm").all("COPY"):
        flags, sources, _ = _copy(args)
        if flags.get("from") != "build":
            continue
        for source in sources:
            if source.startswith("/src/target/"):
                local = list(REPO_ROOT.glob(source.removeprefix("/src/").rstrip("/")))
                assert local, f"COPY --from=build {source}: no such path after ./mvnw package"


def test_given_the_runtime_stages_then_they_expose_the_application_ports_as_a_non_root_user():
    app_ports = set(_app_ports().values())
    run_as = _one("Deployment")["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    for name in RUNTIME_STAGES:
        stage = _stage(name)
        exposed = {int(p.split("/")[0]) for args in stage.all("EXPOSE") for p in args.split()}
        assert exposed == app_ports, name
        users = stage.all("USER")
        assert users, f"{name} sets no USER"
        uid = users[-1].split(":")[0]
        assert uid.isdigit() and int(uid) != 0, f"{name}: USER {users[-1]}"
        assert int(uid) == run_as, f"{name}: USER {uid} but the Deployment runs as {run_as}"


def test_given_the_runtime_stages_then_state_and_tmp_are_volumes_and_catalog_dirs_are_empty_mount_points():
    for name in RUNTIME_STAGES:
        stage = _stage(name)
        env = _env_of(stage)
        volumes = {v for args in stage.all("VOLUME") for v in yaml.safe_load(args)}
        assert {env["GOLDGATE_STATE_DIR"], "/tmp"} <= volumes, name
        copied = {_copy(args)[2]: _copy(args) for args in stage.all("COPY")}
        for key in ("GOLDGATE_SHARES_DIR", "GOLDGATE_FEATURES_DIR", "GOLDGATE_STATE_DIR"):
            flags, sources, _ = copied[env[key]]
            # an empty directory the build stage made (RUN mkdir -p /rootfs/...), owned by the user
            assert sources == [f"/rootfs{env[key]}"], f"{name}: {key} ({env[key]}) is copied from {sources}"
            builder = _stage(flags["from"])
            assert any(f"/rootfs{env[key]}" in run.split() for run in builder.all("RUN") if "mkdir" in run), (name, key)
        unknown = set(env) - _app_env_names() - IMAGE_ENV
        assert not unknown, f"{name}: ENV names nothing reads: {sorted(unknown)}"


def _sample_secrets() -> set[str]:
    """The plain sample tokens (public: README, shares/sample.share) and their hashes in shares/*.yaml."""
    tokens = {json.loads(PARTNER_PROFILE.read_text())["bearerToken"], ANALYST_TOKEN}
    hashes = {m for p in SHARES_DIR.glob("*.yaml") for m in re.findall(r"sha256:([0-9a-f]{64})", p.read_text())}
    assert len(hashes) >= 2 and {hashlib.sha256(t.encode()).hexdigest() for t in tokens} <= hashes
    return tokens | hashes


def test_given_the_runtime_stages_then_no_sample_catalog_or_token_is_copied_into_them():
    ignored = {l.strip().rstrip("/") for l in DOCKERIGNORE.read_text().splitlines() if l.strip() and not l.startswith("#")}
    # not even in the build context, so no stage can copy them by mistake
    assert {"shares", "feature-defs"} <= ignored
    for name in RUNTIME_STAGES:
        for args in _stage(name).all("COPY"):
            flags, sources, _ = _copy(args)
            assert "from" in flags, f"{name}: COPY {args} copies from the build context"
            builder = _stage(flags["from"])
            for source in sources:
                if source.startswith("/rootfs/"):
                    # directories the builder only ever creates empty
                    assert any(source in run.split() for run in builder.all("RUN") if run.startswith("mkdir -p ")), (name, args)
                    assert not [a for a in builder.all("COPY") + builder.all("RUN") if "/rootfs" in a and not a.startswith("mkdir -p ")]
                else:
                    assert not re.search(r"(^|/)(shares|feature-defs|sample)", source), (name, args)


def test_given_the_packaged_gateway_then_it_holds_no_sample_token(tmp_path):
    # What the JVM stage copies from the build stage is target/quarkus-app: our own files in it
    # (the application jar, Quarkus' generated classes and config) must not carry a sample token.
    app = REPO_ROOT / "target/quarkus-app"
    if not app.is_dir():
        pytest.skip("no packaged gateway: run ./mvnw package")
    secrets = [s.encode() for s in _sample_secrets()]
    ours = [*app.glob("*.jar"), *(app / "app").rglob("*"), *(app / "quarkus").rglob("*")]
    checked = 0
    for path in (p for p in ours if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as jar:
                contents = [(f"{path}!{n}", jar.read(n)) for n in jar.namelist() if not n.endswith("/")]
        else:
            contents = [(str(path), path.read_bytes())]
        for where, data in contents:
            assert not [s for s in secrets if s in data], f"{where} holds a sample token or its hash"
            checked += 1
    assert checked > 10, ours


def _jvm_command() -> list[str]:
    entrypoint = yaml.safe_load(_stage("jvm").all("ENTRYPOINT")[-1])
    assert entrypoint[:2] == ["sh", "-c"], entrypoint
    return entrypoint


def test_given_the_jvm_entrypoint_then_it_opens_java_nio_and_expands_java_opts():
    command = _jvm_command()[2]
    assert command.startswith("exec java ")
    assert ADD_OPENS in command
    assert "$JAVA_OPTS" in command
    assert command.endswith("-jar /app/quarkus-run.jar")


# --------------------------------------------------------------------------------------------
# The image's command line and the Secret's placeholders, on the real packaged gateway
# --------------------------------------------------------------------------------------------


def _app_jar() -> Path:
    app = Path(os.environ.get("GOLDGATE_APP", "target/quarkus-app/quarkus-run.jar"))
    app = app if app.is_absolute() else REPO_ROOT / app
    if not app.is_file():
        pytest.skip(f"no packaged gateway at {app}")
    if os.environ.get("GOLDGATE_URL"):
        pytest.skip("GOLDGATE_URL is set: this test starts gateways of its own from the packaged jar")
    return app


def _config_map_volume(target: Path, files: dict[str, str]) -> Path:
    """A directory laid out as the kubelet mounts a ConfigMap: files are symlinks through ..data."""
    stamp = target / "..2026_01_01_00_00_00.000000001"
    stamp.mkdir(parents=True)
    for name, text in files.items():
        (stamp / name).write_text(text)
    (target / "..data").symlink_to(stamp.name)
    for name in files:
        (target / name).symlink_to(f"..data/{name}")
    return target


def _java_home_bin(java: str) -> str:
    resolved = shutil.which(java)
    assert resolved, f"JAVA={java} not found"
    return str(Path(resolved).parent)


@dataclass
class ImageGateway:
    url: str
    management_url: str
    flight_port: int
    log: Path


@contextlib.contextmanager
def _jvm_image_command(tmp_path: Path, shares: Path | None, feature_defs: Path | None):
    """Runs the JVM image's command line with the image's ENV on the packaged jar, its paths moved
    under tmp_path (/app/quarkus-run.jar, /data); shares / feature_defs None: the image's own empty
    directories. Yields once it is ready (on its management port)."""
    app = _app_jar()
    image_env = _env_of(_stage("jvm"))
    assert "JAVA_OPTS" in image_env
    state = tmp_path / "data"
    state.mkdir()
    http_port, flight_port, management_port = _free_port(), _free_port(), _free_port()
    command = _jvm_command()[2].replace("/app/quarkus-run.jar", str(app))
    env = dict(os.environ)
    for name in ("GOLDGATE_REDIS_URL", "GOLDGATE_SIGNING_KEY", "GOLDGATE_ADMIN_TOKEN"):
        env.pop(name, None)
    env.update(image_env)
    env.update(
        GOLDGATE_SHARES_DIR=str(shares or _empty_dir(tmp_path / "shares")),
        GOLDGATE_FEATURES_DIR=str(feature_defs or _empty_dir(tmp_path / "feature-defs")),
        GOLDGATE_STATE_DIR=str(state),
        QUARKUS_HTTP_PORT=str(http_port),
        QUARKUS_MANAGEMENT_PORT=str(management_port),
        GOLDGATE_FLIGHT_PORT=str(flight_port),
        PATH=_java_home_bin(os.environ.get("JAVA", "java")) + os.pathsep + env.get("PATH", ""),
    )
    log = tmp_path / "gateway.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["sh", "-c", command], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        gateway = ImageGateway(f"http://localhost:{http_port}", f"http://localhost:{management_port}", flight_port, log)
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"gateway exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            try:
                if requests.get(gateway.management_url + "/q/health/ready", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"not ready in 90 s:\n{log.read_text()[-3000:]}"
            time.sleep(0.25)
        yield gateway
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _empty_dir(path: Path) -> Path:
    path.mkdir()
    return path


def test_given_the_jvm_image_command_and_env_with_config_map_mounts_then_the_gateway_serves_http_and_flight(tmp_path):
    shares = _config_map_volume(
        tmp_path / "etc/shares",
        {p.name: _absolute_locations(p.read_text(), SHARES_DIR) for p in sorted(SHARES_DIR.glob("*.yaml"))},
    )
    feature_defs = _config_map_volume(
        tmp_path / "etc/feature-defs", {p.name: p.read_text() for p in sorted((REPO_ROOT / "feature-defs").glob("*.yaml"))}
    )
    with _jvm_image_command(tmp_path, shares, feature_defs) as gateway:
        for kind, probe in _probes().items():
            assert requests.get(gateway.management_url + probe["httpGet"]["path"], timeout=10).status_code == 200, kind
        # the catalog and features from the ConfigMap-style mounts were loaded
        shares_answer = requests.get(
            gateway.url + "/delta-sharing/shares", headers={"Authorization": "Bearer goldgate-sample-token-local-use-only"}, timeout=10
        )
        assert shares_answer.status_code == 200
        assert {"retail", "labs"} <= {s["name"] for s in shares_answer.json()["items"]}
        with socket.create_connection(("127.0.0.1", gateway.flight_port), timeout=5):
            pass
        text = gateway.log.read_text()
        assert f"Arrow Flight endpoint: grpc://localhost:{gateway.flight_port}" in text
        defs = [yaml.safe_load(p.read_text()) for p in sorted((REPO_ROOT / "feature-defs").glob("*.yaml"))]
        entities, views, services = (sum(len(d.get(k) or []) for d in defs) for k in ("entities", "featureViews", "featureServices"))
        entity_word = "entity" if entities == 1 else "entities"
        expected = f"Feature definitions: {entities} {entity_word}, {views} view(s), {services} service(s) from {feature_defs}"
        assert expected in text, text[-3000:]


def test_given_the_jvm_image_defaults_then_the_gateway_starts_warns_and_no_sample_token_opens_it(tmp_path):
    # The image's /shares and /feature-defs are empty: the gateway starts (readiness UP, with no
    # share), says why it shares nothing, and the README's sample token is just an unknown token.
    with _jvm_image_command(tmp_path, None, None) as gateway:
        ready = requests.get(gateway.management_url + "/q/health/ready", timeout=10).json()
        catalog = next(c for c in ready["checks"] if c["name"] == "catalog")
        assert catalog["status"] == "UP" and catalog["data"] == {"shares": 0, "recipients": 0}
        for token in sorted(_sample_secrets()):
            answer = requests.get(gateway.url + "/delta-sharing/shares", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert answer.status_code == 401, token
        text = gateway.log.read_text()
        assert f"No share catalog file (*.yaml) in {tmp_path / 'shares'}: no table is shared until one is put there" in text, text[-3000:]
        assert f"Feature definitions: 0 entities, 0 view(s), 0 service(s) from {tmp_path / 'feature-defs'}" in text, text[-3000:]


@pytest.mark.parametrize("env_name, secret_key, config_key", [
    ("GOLDGATE_SIGNING_KEY", "signing-key", "goldgate.signing.key"),
    ("GOLDGATE_ADMIN_TOKEN", "admin-token", "goldgate.admin.token"),
])
def test_given_a_secret_placeholder_left_in_place_then_the_gateway_refuses_to_start(tmp_path, env_name, secret_key, config_key):
    app = _app_jar()
    placeholder = _one("Secret")["stringData"][secret_key]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOLDGATE_")}
    env.update({env_name: placeholder, "GOLDGATE_STATE_DIR": str(tmp_path / "data")})
    java = os.environ.get("JAVA", "java")
    result = subprocess.run(
        [java, ADD_OPENS, f"-Dquarkus.http.port={_free_port()}", f"-Dquarkus.management.port={_free_port()}",
         f"-Dgoldgate.flight.port={_free_port()}", "-jar", str(app)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert f"{config_key} must be at least 32 characters" in result.stdout + result.stderr
