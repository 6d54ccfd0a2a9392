"""The built wheel is a light library: no Jupyter in its requirements, data inside, usable alone.

The wheel is built offline from a copy of the source tree (``pip wheel --no-deps
--no-build-isolation --no-index``, setuptools from the dev extra). It is installed with
``--no-deps`` into a fresh virtual environment that does not see the system's or ``.venv``'s
site-packages. Its runtime dependencies are then made visible, and only they: the closure of the
wheel's own ``Requires-Dist`` (extras excluded), resolved in ``.venv``'s installed metadata, is
linked into one folder that a ``.pth`` file adds to the fresh environment. A small study then
runs from a folder outside the repository; if any code path it takes imported a package outside
that closure (papermill, nbconvert, jupyter, ...), it would fail with ``ModuleNotFoundError``.
No network is used.
"""

from __future__ import annotations

import email.parser
import importlib.metadata as md
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

#: distributions that must never be runtime requirements (a Jupyter server or report tooling;
#: pyfixest, with IPython among its ~35 dependencies, is the [gravity] extra)
FORBIDDEN = {
    "jupyter", "jupyterlab", "jupyter-server", "notebook", "papermill", "nbconvert", "nbclient",
    "jupyter-cache", "ipykernel", "jupyter-client", "jupyterlab-server", "duckdb", "pyfixest",
    "ipython",
}


def _copy_source(dest: Path) -> Path:
    """Copy what the build reads (keeping the facts symlink and its target)."""
    for name in ("pyproject.toml", "README.md", "LICENSE", "DATA-LICENSES.md"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "src", dest / "src", symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    (dest / "data/raw/facts").mkdir(parents=True)
    shutil.copy2(ROOT / "data/raw/facts/facts.csv", dest / "data/raw/facts/facts.csv")
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = _copy_source(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "-w", str(out), str(src)],
        capture_output=True, text=True, cwd=src,
    )
    assert proc.returncode == 0, (
        f"pip wheel failed (setuptools>=77 comes with the dev extra: `make setup`):\n"
        f"{proc.stdout}\n{proc.stderr}"
    )
    (whl,) = out.glob("coopstats-*.whl")
    return whl


def _metadata(whl: Path) -> email.message.Message:
    with zipfile.ZipFile(whl) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))


def _runtime_requirements(meta: email.message.Message) -> list[Requirement]:
    env = default_environment() | {"extra": ""}
    reqs = [Requirement(r) for r in meta.get_all("Requires-Dist", [])]
    return [r for r in reqs if r.marker is None or r.marker.evaluate(env)]


def runtime_closure(reqs: list[Requirement]) -> dict[str, md.Distribution]:
    """Installed distributions needed by ``reqs`` without extras, resolved recursively."""
    env = default_environment() | {"extra": ""}
    seen: dict[str, md.Distribution] = {}
    todo = list(reqs)
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            pytest.fail(f"runtime dependency {req} is not installed in this environment: "
                        "run `make setup`")
        seen[name] = dist
        for sub in dist.requires or []:
            r = Requirement(sub)
            wanted = r.marker is None or any(
                r.marker.evaluate(env | {"extra": e}) for e in ["", *req.extras])
            if wanted:
                todo.append(r)
    return seen


def _link_closure(dists: dict[str, md.Distribution], folder: Path) -> None:
    """Symlink each distribution's top-level files and its .dist-info into ``folder``."""
    folder.mkdir()
    for dist in dists.values():
        base = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or []}
        tops.add(Path(str(dist._path)).name)  # the .dist-info folder itself
        for top in tops:
            src = base / top
            if top in ("..", "__pycache__") or not src.exists() or (folder / top).exists():
                continue
            (folder / top).symlink_to(src)


def test_wheel_requires_no_jupyter_and_ships_the_data(wheel):
    meta = _metadata(wheel)
    runtime = {canonicalize_name(r.name) for r in _runtime_requirements(meta)}
    assert runtime, "the wheel declares no runtime requirements"
    assert runtime & FORBIDDEN == set(), runtime & FORBIDDEN
    # report tooling, JupyterLab and the PPML estimator are reachable as extras
    assert {"gravity", "report", "lab", "dev"} <= set(meta.get_all("Provides-Extra", []))
    closure = runtime_closure(_runtime_requirements(meta))
    assert set(closure) & FORBIDDEN == set(), sorted(set(closure) & FORBIDDEN)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        shipped = zf.read("coopstats/data/facts.csv")
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
        assert any(n.endswith(".dist-info/licenses/DATA-LICENSES.md") for n in names)
        for table in ("bloc_membership.csv", "hs_sectors.csv", "country_names_ru.csv",
                      "reference_data.md", "__init__.py"):
            assert f"coopstats/data/{table}" in names, table
    # the wheel holds the facts table itself (not a dangling link), byte-identical to the source
    assert shipped == (ROOT / "data/raw/facts/facts.csv").read_bytes()


def test_wheel_runs_a_study_in_a_fresh_venv_without_report_tooling(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
         "--quiet", str(wheel)],
        check=True, capture_output=True,
    )
    closure = runtime_closure(_runtime_requirements(_metadata(wheel)))
    _link_closure(closure, tmp_path / "deps")
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "coopstats_test_runtime_deps.pth").write_text(str(tmp_path / "deps") + "\n")

    study = textwrap.dedent("""
        import importlib.util, pathlib, sys
        import coopstats, coopstats.data
        from coopstats import growth, membership, priority
        from coopstats.sources.facts import series
        here = pathlib.Path(coopstats.__file__).resolve()
        assert "site-packages" in str(here) and "/src/coopstats" not in str(here), here
        assert coopstats.__version__ != "0.0.0+unknown", coopstats.__version__
        for absent in ("papermill", "nbconvert", "jupyter_cache", "ipykernel", "jupyterlab",
                       "notebook", "jupyter_server", "pyfixest", "IPython"):
            assert importlib.util.find_spec(absent) is None, absent
        # gravity imports without its extra; estimating names the install
        from coopstats import event_study, gravity
        from coopstats.errors import MissingDependencyError
        try:
            gravity.pyfixest()
        except MissingDependencyError as exc:
            assert "pip install 'coopstats[gravity]'" in str(exc), exc
        else:
            raise AssertionError("pyfixest importable without the [gravity] extra")
        facts = coopstats.data.facts()
        assert len(facts) >= 150 and facts["fact_id"].is_unique
        eaeu = series(facts, metric="mutual_trade_turnover", bloc="EAEU", unit="USD",
                      basis="goods").kept
        eaeu = eaeu[eaeu["trade_basis"] == "goods"]
        g = growth.period_growth(eaeu, start=2016, end=2024, value_col="value")
        cagr = float(g["cagr_pct"].iloc[0])
        import pandas as pd
        x = pd.DataFrame({"year": 2024, "exporter_iso3": ["RUS", "RUS", "BLR", "BLR"],
                          "hs6_code": ["854231", "845811", "854231", "845811"],
                          "value_usd": [10.0, 30.0, 20.0, 5.0]})
        r = priority.rca(x)
        blr_ic = r.query("country_iso3 == 'BLR' and hs6_code == '854231'")["rca"].iloc[0]
        eaeu_members = membership.members('EAEU', on='2015-06-30')
        print(f"{len(facts)} {cagr!r} {float(blr_ic)!r} {eaeu_members}")
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    outside = tmp_path / "study"
    outside.mkdir()
    proc = subprocess.run([str(py), "-I", "-c", study], cwd=outside, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    n, cagr, blr_ic, members = proc.stdout.split(maxsplit=3)
    assert int(n) >= 150
    # BLR: 20/25 of its exports in ICs; world: 30/65 in ICs -> RCA = 0.8 / (30/65)
    assert float(blr_ic) == pytest.approx(0.8 / (30 / 65), rel=1e-9)
    # the same study in this process (source tree) gives the same number
    from coopstats import growth
    from coopstats.sources.facts import read_facts, series

    facts = read_facts(ROOT / "data/raw/facts/facts.csv").kept
    eaeu = series(facts, metric="mutual_trade_turnover", bloc="EAEU", unit="USD",
                  basis="goods").kept
    eaeu = eaeu[eaeu["trade_basis"] == "goods"]
    expected = growth.period_growth(eaeu, start=2016, end=2024, value_col="value")
    assert float(cagr) == pytest.approx(float(expected["cagr_pct"].iloc[0]), abs=1e-6)
    assert members.strip() == "['ARM', 'BLR', 'KAZ', 'RUS']"
