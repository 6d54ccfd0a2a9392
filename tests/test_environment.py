"""environment.yml and pyproject.toml must name the same packages (issue #2)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge name -> PyPI name, where they differ
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
CONDA_ONLY = {"python", "pip"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return _norm(m.group(1)), re.sub(r"\s+", "", m.group(2))


def pyproject_packages(text: str) -> dict[str, str]:
    data = tomllib.loads(text)["project"]
    reqs = list(data["dependencies"])
    for extra in data.get("optional-dependencies", {}).values():
        reqs += extra
    return dict(_split(r) for r in reqs)


def environment_packages(text: str) -> dict[str, str]:
    deps = yaml.safe_load(text)["dependencies"]
    out: dict[str, str] = {}
    for dep in deps:
        if isinstance(dep, dict):
            for r in dep.get("pip", []):
                name, spec = _split(r)
                out[name] = spec
            continue
        name, spec = _split(dep)
        name = _norm(CONDA_TO_PYPI.get(name, name))
        if name not in CONDA_ONLY:
            out[name] = spec
    return out


def differences(pyproject_text: str, environment_text: str) -> list[str]:
    """Human-readable differences between the two files (empty when they agree)."""
    py, env = pyproject_packages(pyproject_text), environment_packages(environment_text)
    diffs = [f"{n} only in pyproject.toml" for n in sorted(set(py) - set(env))]
    diffs += [f"{n} only in environment.yml" for n in sorted(set(env) - set(py))]
    diffs += [f"{n}: pyproject {py[n]!r} vs environment {env[n]!r}"
              for n in sorted(set(py) & set(env)) if py[n] != env[n]]
    return diffs


def _texts() -> tuple[str, str]:
    return (ROOT / "pyproject.toml").read_text(), (ROOT / "environment.yml").read_text()


def test_environment_yml_and_pyproject_name_the_same_packages():
    py, env = _texts()
    assert differences(py, env) == []
    assert len(pyproject_packages(py)) >= 20


def test_parity_fails_when_pyproject_gains_a_package():
    py, env = _texts()
    py2 = py.replace("dependencies = [\n", "dependencies = [\n    \"xlsxwriter>=3\",\n", 1)
    assert differences(py2, env) == ["xlsxwriter only in pyproject.toml"]


def test_parity_fails_when_environment_gains_a_package():
    py, env = _texts()
    env2 = env.replace("  - pip\n", "  - pip\n  - xarray>=2024.1\n", 1)
    assert differences(py, env2) == ["xarray only in environment.yml"]


def test_parity_fails_when_versions_disagree():
    py, env = _texts()
    env2 = env.replace("pandera>=0.20", "pandera>=0.19", 1)
    assert differences(py, env2) == ["pandera: pyproject '>=0.20' vs environment '>=0.19'"]


def test_conda_names_are_mapped_to_pypi_names():
    py, env = _texts()
    assert "country-converter" in environment_packages(env)
    assert "jupyter-client" in environment_packages(env)
    env2 = env.replace("  - pip\n", "  - pip\n  - python-duckdb>=1.0\n", 1)
    assert "duckdb" in environment_packages(env2)


def test_runtime_dependencies_hold_no_report_or_lab_tooling():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_split(r)[0] for r in data["dependencies"]}
    tooling = {"papermill", "jupyter-cache", "nbconvert", "nbclient", "nbformat", "ipykernel",
               "jupyterlab", "notebook", "jupyter-server", "jupyter-client", "duckdb"}
    assert runtime & tooling == set()
    extras = data["optional-dependencies"]
    assert {"report", "lab", "dev"} <= set(extras)
    assert "jupyterlab" in {_split(r)[0] for r in extras["lab"]}
    assert "papermill" in {_split(r)[0] for r in extras["report"]}
