"""The ground everything stands on: package, kernel, CLI, errors, setup (issue #2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import coopstats
from coopstats import config
from coopstats.cli import main
from coopstats.errors import (
    CoopstatsError,
    DataFileError,
    InvalidParameterError,
    MissingDataError,
    UnmappedCodeError,
)

ROOT = Path(__file__).resolve().parents[1]


def test_package_imports_with_a_version():
    assert coopstats.__version__.count(".") >= 2
    assert "CoopstatsError" in coopstats.__all__


def test_kernel_named_coopstats_is_registered_in_this_environment():
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    assert "coopstats" in specs, f"kernels found: {sorted(specs)}; run `make setup`"
    spec = KernelSpecManager().get_kernel_spec("coopstats")
    # the kernel runs this environment's interpreter, not whatever python3 the machine has
    assert Path(spec.argv[0]).resolve().parent == Path(sys.executable).resolve().parent


def test_setup_is_up_to_date_after_a_run():
    # `make -q` exits 0 when the target needs no work: a second `make test` reinstalls nothing
    if not (ROOT / ".build" / "setup-venv.stamp").exists():
        pytest.skip("not set up through `make setup` (e.g. PYTHON= override)")
    result = subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, "make setup would run again although pyproject.toml is unchanged"


def test_make_help_lists_every_target():
    out = subprocess.run(
        ["make", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for target in ("setup", "report", "test", "data", "lab", "lint", "clean"):
        assert f"  {target} " in out, f"{target} missing from make help"


def test_cli_help_and_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert coopstats.__version__ in capsys.readouterr().out


def test_cli_facts_check_reports_counts(tmp_path, capsys):
    code = main(
        ["facts", "check", str(ROOT / "data/raw/facts/facts.csv"), "--quarantine", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "150 rows in, 150 kept, 0 rejected" in out
    assert (
        (tmp_path / "facts.csv")
        .read_text()
        .startswith("step,file,line,column,value,rule,reason,action")
    )


def test_cli_turns_coopstats_errors_into_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "facts.csv"
    bad.write_text("fact_id;metric\nF001;x\n")
    assert main(["facts", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: column 'fact_id'" in err
    assert "delimited by something other than ','" in err


def test_errors_inherit_the_matching_builtins():
    assert issubclass(DataFileError, ValueError) and issubclass(DataFileError, CoopstatsError)
    assert issubclass(UnmappedCodeError, KeyError)
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(MissingDataError, FileNotFoundError)


def test_data_file_error_names_file_line_column_value_and_hint():
    err = DataFileError(
        "not a 6-digit HS code",
        path="x.csv",
        line=48213,
        column="k",
        value="91",
        hint="zero-pad to 6",
    )
    assert (
        str(err) == "x.csv:48213: column 'k': value '91': not a 6-digit HS code Hint: zero-pad to 6"
    )


def test_unmapped_code_error_lists_every_value_and_the_file_to_extend():
    err = UnmappedCodeError(
        ["Atlantis", "Lemuria", "Atlantis"], what="country", crosswalk="data/x.csv"
    )
    assert str(err) == (
        "2 unresolved country(s): 'Atlantis', 'Lemuria'. "
        "Add them to data/x.csv (with a source) or fix the input."
    )


def test_project_root_is_found_from_a_subdirectory(monkeypatch):
    monkeypatch.delenv(config.ENV_ROOT, raising=False)
    assert config.project_root(ROOT / "notebooks") == ROOT
    monkeypatch.setenv(config.ENV_ROOT, "/tmp")
    assert config.project_root(ROOT) == Path("/tmp").resolve()


def test_every_re_exported_name_resolves_to_a_documented_function():
    for name in coopstats.__all__:
        obj = getattr(coopstats, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__ and len(obj.__doc__) > 40, name


def test_code_is_lint_clean():
    # `make lint` in the test run, so style and pydocstyle (numpy convention) cannot drift
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
