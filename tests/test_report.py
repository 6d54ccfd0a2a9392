"""The report pipeline: parameter validation, data-aware caching, errors, deterministic HTML.

Builds run on a throw-away project in tmp_path (the real notebook 00_facts_overview and the
real facts table, two definitions reading two different copies of it), executed on the
registered ``coopstats`` kernel. No network, no wall-clock assertions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from coopstats import provenance as provenance_module
from coopstats.build import STAMP_CLASS, build, build_stamp, load_definitions
from coopstats.build import run as build_run
from coopstats.errors import (
    DataFileError,
    InvalidParameterError,
    MissingDataError,
    NotebookExecutionError,
    ReportsFailedError,
)
from coopstats.params import validate_params
from coopstats.provenance import (
    PROVENANCE_MIME,
    SYNTHETIC_BANNER,
    code_fingerprint,
    data_fingerprint,
    input_vintage,
    is_synthetic,
    provenance,
    sha256_file,
    show_provenance,
)
from coopstats.sources.processed import ensure_processed, load_facts, require_rows
from coopstats.tables import table

ROOT = Path(__file__).resolve().parents[1]
NB = "00_facts_overview.ipynb"

pytestmark = pytest.mark.slow

CODE_FP = "c0de" * 16
_REAL_CODE_FINGERPRINT = code_fingerprint


@pytest.fixture(autouse=True, scope="module")
def _pinned_code_fingerprint():
    """Pin the library-code fingerprint: the package under test is edited while tests run
    in a shared tree; the code part of the key is tested on its own below."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_run, "code_fingerprint", lambda: CODE_FP)
        mp.setattr(provenance_module, "code_fingerprint", lambda: CODE_FP)  # ensure_processed
        # one language, no PDF: the pipeline's cache and HTML are under test here; both
        # languages, figures, tables and PDF are tested in tests/test_publish.py
        mp.setattr(build_run, "DEFAULT_LANGUAGES", ("en",))
        mp.setattr(build_run, "DEFAULT_PDF", False)
        yield


def _definition(name: str, facts_path: str, **params) -> str:
    body = {
        "title": f"Test report {name}",
        "notebook": NB,
        "description": "test",
        "parameters": {
            "bloc": "EAEU",
            "start_year": 2021,
            "end_year": 2024,
            "facts_path": f"../{facts_path}",
            **params,
        },
        "inputs": [facts_path],
    }
    return json.dumps(body)  # JSON is YAML


def _make_project(root: Path) -> Path:
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / NB, root / "notebooks" / NB)
    for sub in ("a", "b"):
        (root / "data" / "raw" / sub).mkdir(parents=True)
        shutil.copy(
            ROOT / "data" / "raw" / "facts" / "facts.csv", root / "data" / "raw" / sub / "facts.csv"
        )
    defs = root / "reports" / "definitions"
    defs.mkdir(parents=True)
    (defs / "rep_a.yaml").write_text(_definition("rep_a", "data/raw/a/facts.csv"))
    (defs / "rep_b.yaml").write_text(_definition("rep_b", "data/raw/b/facts.csv"))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project built once (cold); tests copy it, cache included."""
    root = _make_project(tmp_path_factory.mktemp("proj") / "p")
    results = build(root, stamp="STAMP-1")
    assert [r.status for r in results] == ["executed", "executed"]
    return root


@pytest.fixture()
def project(built, tmp_path) -> Path:
    dst = tmp_path / "p"
    shutil.copytree(built, dst)
    return dst


def _statuses(results) -> dict[str, str]:
    return {r.name: r.status for r in results}


# ---------------------------------------------------------------- parameters


def test_unknown_parameter_is_an_error():
    with pytest.raises(InvalidParameterError) as exc:
        validate_params(NB, {"blok": "EAEU"})
    assert exc.value.name == "blok"
    assert "unknown parameter" in str(exc.value) and "bloc" in str(exc.value.allowed)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"bloc": "NATO"}, "bloc"),
        ({"start_year": "2015"}, "start_year"),
        ({"start_year": 2024, "end_year": 2015}, "start_year"),
        ({"currency": "EUR"}, "currency"),
        ({"data_fingerprint": "not-a-hash"}, "data_fingerprint"),
    ],
)
def test_bad_parameter_values_are_errors(params, name):
    with pytest.raises(InvalidParameterError) as exc:
        validate_params(NB, params)
    assert exc.value.name == name


def test_every_params_class_checks_shared_names():
    with pytest.raises(InvalidParameterError, match="sectors"):
        validate_params("02_growth.ipynb", {"sectors": ["microelectronics", "chips"]})
    with pytest.raises(InvalidParameterError, match="exporter_iso3"):
        validate_params("02_growth", {"exporter_iso3": "Belarus"})
    with pytest.raises(InvalidParameterError, match="weights"):
        validate_params("04_sector_priority.ipynb", {"weights": {"extra_bloc_hhi": -1.0}})
    with pytest.raises(InvalidParameterError, match="hhi_imports_threshold"):
        validate_params("03_localization.ipynb", {"hhi_imports_threshold": 40})
    with pytest.raises(InvalidParameterError, match="notebook"):
        validate_params("99_unknown.ipynb", {})


def test_definition_with_unknown_parameter_is_recorded_and_never_executed(tmp_path):
    root = _make_project(tmp_path / "p")
    (root / "reports" / "definitions" / "rep_a.yaml").write_text(
        _definition("rep_a", "data/raw/a/facts.csv", blok="EAEU")
    )
    # the broken definition is recorded as a failed report (the others would still build)
    with pytest.raises(ReportsFailedError) as exc:
        build(root)
    assert "blok" in str(exc.value) and "rep_a.yaml" in str(exc.value)
    assert exc.value.built == ["rep_b"]  # the valid definition beside it was built
    assert [f[0] for f in exc.value.failures] == ["rep_a"] * len(exc.value.failures)
    assert not list((root / ".build" / "executed").glob("rep_a.*"))  # rep_a never executed


def test_definition_errors_name_the_file(tmp_path):
    root = _make_project(tmp_path / "p")
    bad = root / "reports" / "definitions" / "rep_a.yaml"
    bad.write_text("title: x\nnotebook: 00_facts_overview.ipynb\ninputs: [a]\ncolour: red\n")
    with pytest.raises(DataFileError, match=r"rep_a\.yaml.*colour"):
        load_definitions(root)
    bad.write_text("title: x\nnotebook: nope.ipynb\ninputs: [a]\n")
    with pytest.raises(DataFileError, match="notebook not found"):
        load_definitions(root)


def test_unknown_report_name_and_renderer(project):
    with pytest.raises(InvalidParameterError, match="rep_c"):
        build(project, only=["rep_c"])
    with pytest.raises(InvalidParameterError, match="renderer"):
        build(project, renderer="pandoc")


# ---------------------------------------------------------------- cache


def test_unchanged_rebuild_executes_nothing(project):
    results = build(project, stamp="STAMP-2")
    assert _statuses(results) == {"rep_a": "cached", "rep_b": "cached"}


def test_data_change_reruns_exactly_the_reports_reading_it(project):
    path = project / "data" / "raw" / "b" / "facts.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("(approximate, upper bound)", "(approximate; upper bound)"), encoding="utf-8"
    )
    assert path.read_text(encoding="utf-8") != text
    assert _statuses(build(project)) == {"rep_a": "cached", "rep_b": "executed"}
    # and the new result is cached in turn
    assert _statuses(build(project)) == {"rep_a": "cached", "rep_b": "cached"}


def test_touching_a_file_without_changing_it_reruns_nothing(project):
    path = project / "data" / "raw" / "a" / "facts.csv"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns + 10**9, st.st_mtime_ns + 10**9))
    assert _statuses(build(project)) == {"rep_a": "cached", "rep_b": "cached"}


def test_parameter_change_reruns_that_report_only(project):
    (project / "reports" / "definitions" / "rep_a.yaml").write_text(
        _definition("rep_a", "data/raw/a/facts.csv", start_year=2022)
    )
    assert _statuses(build(project)) == {"rep_a": "executed", "rep_b": "cached"}


def test_prose_edit_rerenders_without_rerunning(project):
    nb_path = project / "notebooks" / NB
    nb = json.loads(nb_path.read_text())
    md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    md["source"] = ["# A retitled overview\n", *md["source"][1:]]
    nb_path.write_text(json.dumps(nb))
    results = build(project)
    assert _statuses(results) == {"rep_a": "cached", "rep_b": "cached"}
    page = project / "reports" / "rep_a" / "en" / "index.html"
    assert "A retitled overview" in page.read_text()


def test_library_code_change_reruns_every_report(project, monkeypatch):
    monkeypatch.setattr(build_run, "code_fingerprint", lambda: "f" * 64)
    assert _statuses(build(project)) == {"rep_a": "executed", "rep_b": "executed"}


def test_code_fingerprint_covers_the_package():
    package = Path(build_run.__file__).parents[1]
    files = sorted(
        p
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    assert package / "provenance.py" in files and package / "columns.py" in files
    lines = "".join(
        f"{p.relative_to(package).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
        for p in files
    )
    # files may change under a running team; compare only when the tree held still
    real = _REAL_CODE_FINGERPRINT()
    again = hashlib.sha256(lines.encode()).hexdigest()
    if real != again:
        pytest.skip("the package changed while the test ran")
    assert re.fullmatch(r"[0-9a-f]{64}", real)


def test_force_executes(project):
    assert _statuses(build(project, only=["rep_b"], force=True)) == {"rep_b": "executed"}


def test_data_fingerprint_covers_each_file():
    a = ROOT / "data" / "raw" / "facts" / "facts.csv"
    assert sha256_file(a) == hashlib.sha256(a.read_bytes()).hexdigest()
    fp = data_fingerprint([a], root=ROOT)
    expected = hashlib.sha256(
        f"data/raw/facts/facts.csv\t{sha256_file(a)}\n".encode()
    ).hexdigest()
    assert fp == expected
    with pytest.raises(MissingDataError, match="nope.csv"):
        data_fingerprint([ROOT / "nope.csv"], root=ROOT)


# ---------------------------------------------------------------- errors


def test_failing_notebook_stops_with_context_and_keeps_partial_notebook(project):
    (project / "reports" / "definitions" / "rep_c.yaml").write_text(
        _definition("rep_c", "data/raw/a/facts.csv", metric="no_such_metric")
    )
    with pytest.raises(NotebookExecutionError) as exc:
        build(project)
    msg = str(exc.value)
    assert "'rep_c'" in msg
    assert "notebooks/00_facts_overview.ipynb" in msg
    assert re.search(r"cell 2 \(0-based; cell 3 of the executed notebook", msg)
    assert "InvalidParameterError: parameter 'metric'" in msg and "no_such_metric" in msg
    assert '"metric": "no_such_metric"' in msg
    partial = project / ".build" / "failed" / "rep_c.ipynb"
    assert partial.is_file() and "no_such_metric" in partial.read_text()
    # the other reports stay valid and listed; the failed one has no page
    assert (project / "reports" / "rep_a" / "en" / "index.html").is_file()
    assert not (project / "reports" / "rep_c" / "en" / "index.html").exists()
    index = (project / "reports" / "index.html").read_text()
    assert 'href="rep_a/en/index.html"' in index and "not built yet" in index


def test_cli_exits_nonzero_on_a_failing_notebook(project, capsys):
    from coopstats.cli import main

    (project / "reports" / "definitions" / "rep_c.yaml").write_text(
        _definition("rep_c", "data/raw/a/facts.csv", metric="no_such_metric")
    )
    code = main(["report", "--root", str(project), "--only", "rep_c"])
    assert code != 0
    err = capsys.readouterr().err
    assert "rep_c" in err and "cell 2" in err


def test_notebook_reading_undeclared_inputs_is_refused(project):
    # declares b's file but reads a's: the cache would not see changes to a's
    (project / "reports" / "definitions" / "rep_a.yaml").write_text(
        json.dumps(
            {
                "title": "x",
                "notebook": NB,
                "parameters": {"facts_path": "../data/raw/a/facts.csv"},
                "inputs": ["data/raw/b/facts.csv"],
            }
        )
    )
    shutil.copy(
        project / "data" / "raw" / "a" / "facts.csv", project / "data" / "raw" / "b" / "facts.csv"
    )
    (project / "data" / "raw" / "b" / "facts.csv").write_text(
        (project / "data" / "raw" / "a" / "facts.csv").read_text() + "\n"
    )
    with pytest.raises(
        NotebookExecutionError, match="DataFileError.*do not match its report definition"
    ):
        build(project, only=["rep_a"])


def test_quarto_requested_without_cli_is_a_clear_error(project, monkeypatch):
    monkeypatch.setenv("PATH", str(project / "empty-bin"))
    with pytest.raises(InvalidParameterError, match="quarto.*not on PATH"):
        build(project, renderer="quarto")


def test_quarto_renderer_runs_the_cli_on_the_executed_notebook(project, monkeypatch):
    # a stand-in `quarto` records its arguments and writes the HTML it was asked for
    bin_dir = project / "fake-bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$@" > quarto-args.txt\n'
        'stem=$(basename "$2" .ipynb)\n'
        'printf "<html><body><section id=\\"provenance\\">p</section></body></html>" '
        '> "$stem.html"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    results = build(project, renderer="quarto", only=["rep_a"])
    assert _statuses(results) == {"rep_a": "cached"}
    args = (project / ".build" / "quarto" / "quarto-args.txt").read_text()
    assert args.startswith("render rep_a.ipynb --to html --no-execute")
    page = (project / "reports" / "rep_a" / "en" / "index.html").read_text()
    assert "index.html" in page and STAMP_CLASS in page


# ---------------------------------------------------------------- HTML


def _without_stamp(text: str) -> str:
    lines = [ln for ln in text.splitlines() if STAMP_CLASS not in ln]
    assert len(lines) == len(text.splitlines()) - 1, "exactly one build-stamp line per page"
    return "\n".join(lines)


def test_two_cold_builds_give_identical_html_apart_from_the_stamp(project):
    def pages():
        reports = project / "reports"
        return {p.relative_to(reports).as_posix(): p.read_text()
                for p in [reports / "index.html", *reports.glob("*/en/index.html")]}

    first = pages()
    shutil.rmtree(project / ".build")
    for p in [project / "reports" / "index.html", *(project / "reports").glob("*/en/index.html")]:
        p.unlink()
    results = build(project, stamp="STAMP-2")
    assert _statuses(results) == {"rep_a": "executed", "rep_b": "executed"}
    second = pages()
    assert sorted(first) == sorted(second) == [
        "index.html", "rep_a/en/index.html", "rep_b/en/index.html"]
    for name in first:
        assert first[name] != second[name]  # the stamps differ ...
        assert _without_stamp(first[name]) == _without_stamp(second[name]), name  # ... nothing else


def test_source_date_epoch_pins_the_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_stamp() == "2023-11-14 22:13:20 UTC"


def test_html_hides_code_embeds_figures_and_has_provenance(built):
    page = (built / "reports" / "rep_a" / "en" / "index.html").read_text()
    assert "load_facts(params" not in page and "facts_by_year(" not in page  # code hidden
    assert "hl-ipython3" not in page and 'class="jp-InputArea-editor' not in page
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert 'id="provenance"' in page
    assert "data/raw/a/facts.csv" in page
    assert sha256_file(built / "data" / "raw" / "a" / "facts.csv") in page
    assert "<script src=" not in page  # no CDN scripts: works offline
    assert SYNTHETIC_BANNER not in page  # facts are real
    index = (built / "reports" / "index.html").read_text()
    assert 'href="rep_a/en/index.html"' in index and 'href="rep_b/en/index.html"' in index
    assert "Test report rep_a" in index and "start_year" in index and "sources dated" in index


# ---------------------------------------------------------------- provenance and helpers


def test_provenance_frame(tmp_path):
    facts = ROOT / "data" / "raw" / "facts" / "facts.csv"
    params = validate_params(NB, {"start_year": 2020})
    prov = provenance(params, [facts], root=ROOT)
    assert list(prov.columns) == ["section", "name", "value", "detail"]
    assert set(prov["section"]) == {"parameters", "software", "inputs"}
    inputs = prov[prov["section"] == "inputs"]
    assert inputs["name"].tolist() == ["data/raw/facts/facts.csv"]
    assert inputs["value"].iloc[0] == hashlib.sha256(facts.read_bytes()).hexdigest()
    names = set(prov["name"])
    assert {"coopstats", "git commit", "python", "pandas", "numpy", "start_year"} <= names
    bad = validate_params(NB, {"data_fingerprint": "0" * 64})
    with pytest.raises(DataFileError, match="do not match"):
        provenance(bad, [facts], root=ROOT)


def test_synthetic_inputs_are_flagged(tmp_path):
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    frame = pd.DataFrame({"year": [2020], "value_usd": [1.0], "dataset": ["SYNTHETIC_DEMO"]})
    frame.to_parquet(processed / "trade.parquet")
    (processed / "manifest.json").write_text(json.dumps({"synthetic": True, "version": "0.1.0"}))
    assert is_synthetic(processed / "trade.parquet")  # the data say so
    assert is_synthetic(processed)  # the folder's manifest says so
    assert input_vintage(processed / "trade.parquet") == "SYNTHETIC_DEMO"
    prov = show_provenance({"bloc": "EAEU"}, [processed / "trade.parquet"], root=tmp_path)
    assert prov.synthetic
    bundle = prov._repr_mimebundle_()
    assert SYNTHETIC_BANNER in bundle["text/html"]
    assert bundle[PROVENANCE_MIME]["synthetic"] is True
    (processed / "manifest.json").write_text(json.dumps({"synthetic": False}))
    frame.assign(dataset="BACI_HS17_V202201").to_parquet(processed / "trade.parquet")
    assert not is_synthetic(processed / "trade.parquet")
    assert not is_synthetic(processed)
    assert input_vintage(processed / "trade.parquet") == "BACI_HS17_V202201"


def test_load_facts_keeps_source_lines_and_require_rows():
    facts = load_facts(ROOT / "data" / "raw" / "facts" / "facts.csv")
    assert facts.index[0] == 2  # line 1 is the header
    assert require_rows(facts, what="x", where="y") is facts
    with pytest.raises(MissingDataError, match="nothing here"):
        require_rows(facts.iloc[:0], what="nothing here", where="facts.csv")
    with pytest.raises(MissingDataError, match="nope.csv"):
        load_facts(ROOT / "nope.csv")


def test_table_requires_a_source_and_renders_deterministically():
    frame = pd.DataFrame({"year": [2020, 2021], "value": [1.5, None]})
    with pytest.raises(InvalidParameterError, match="source"):
        table(frame, source="")
    html = table(frame, source="facts.csv F001", caption="c")._repr_html_()
    assert html == table(frame, source="facts.csv F001", caption="c")._repr_html_()
    assert "—" in html and "Source: facts.csv F001" in html


def test_synthetic_inputs_mark_only_those_files(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("invented", encoding="utf-8")
    facts = ROOT / "data" / "raw" / "facts" / "facts.csv"
    shutil.copy(facts, tmp_path / "facts.csv")
    prov = provenance(
        {"x": 1}, [texts, tmp_path / "facts.csv"], root=tmp_path, synthetic_inputs=[texts]
    )
    inputs = prov[prov["section"] == "inputs"].set_index("name")["detail"]
    assert inputs["texts/a.txt"] == "SYNTHETIC"
    assert not inputs["facts.csv"].endswith("SYNTHETIC")


def test_processed_data_are_built_when_missing_and_only_then(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw",
                    ignore=shutil.ignore_patterns("downloads"))
    assert ensure_processed(root) is True
    processed = root / "data" / "processed"
    manifest = json.loads((processed / "manifest.json").read_text())
    assert (processed / "trade.parquet").is_file() and "synthetic" in manifest
    first = sha256_file(processed / "trade.parquet")
    assert ensure_processed(root) is False  # fresh: nothing to do
    raw = root / "data" / "raw" / "facts" / "facts.csv"
    st = raw.stat()
    os.utime(raw, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert ensure_processed(root) is True  # raw changed (by mtime): rebuilt ...
    assert sha256_file(processed / "trade.parquet") == first  # ... to identical bytes
