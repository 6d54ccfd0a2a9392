"""Quality targets of the press-release reader on the labelled development set (issues 7, 14).

The scores are computed by benchmarks/events_quality.py on the seed press releases (read from
../shared) and our own texts in examples/press_releases/; the targets are the issue's.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from coopstats.columns import SECTORS

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "examples" / "press_releases"
MEMBERS = {"ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB"}  # EAEU, CSTO, CIS


def _quality():
    spec = importlib.util.spec_from_file_location(
        "events_quality", ROOT / "benchmarks" / "events_quality.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _expected(name: str) -> list[dict]:
    return [
        json.loads(x) for x in (DEV / name).read_text(encoding="utf-8").splitlines() if x.strip()
    ]


def test_dev_set_covers_every_sector_and_every_member_state():
    own = [r for r in _expected("expected.jsonl") if r["doc"].startswith("dev")]
    assert len(own) >= 15
    assert {s for r in own for s in r["sectors"]} == set(SECTORS) - {"total"}
    assert MEMBERS <= {c for r in own for c in r["countries"]}


def test_every_own_text_has_an_expected_record_and_no_seed_text_is_copied(shared_dir):
    docs = {r["doc"] for r in _expected("expected.jsonl") + _expected("holdout_expected.jsonl")}
    files = {p.stem for p in (DEV / "texts").iterdir()} | {
        p.stem for p in (DEV / "holdout").iterdir()
    }
    seeds = {p.stem for p in (shared_dir / "seeds").glob("*.txt")}
    assert docs == files | seeds
    seed_sentences = {
        s.strip()
        for p in (shared_dir / "seeds").glob("*.txt")
        for s in p.read_text(encoding="utf-8").split(".")
        if len(s.strip()) > 40
    }
    for path in (DEV / "texts").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not any(s in text for s in seed_sentences), path.name


@pytest.fixture(name="scores", scope="module")
def fixture_scores(shared_dir):
    """Scores of the whole development set (seeds + own texts + hold-out texts)."""
    return _quality().run(shared_dir)


@pytest.mark.parametrize("subset", ["dev", "holdout", "all"])
def test_quality_targets_are_met(scores, subset):
    """Issue 14's targets on every subset (the hold-out texts are never tuned on).

    The share of wrong dates among the dates given (at most 1 in 20) is checked on the pooled
    set: a subset gives 15-30 dates, too few to tell 1 in 20 from 1 in 15.
    """
    failed = _quality().target_failures(scores[subset][0])
    if subset != "all":
        failed.pop("event_date_given_wrong_share", None)
    assert failed == {}


def test_figure_periods_and_qualifiers_are_scored(scores):
    s = scores["all"][0]
    assert s["figures_period"]["f1"] >= 0.9
    assert s["figure_qualifier_accuracy"] >= 0.9
    assert s["event_span_accuracy"] >= 0.9


def test_scoring_counts_misses_and_extras():
    q = _quality()
    exp = {
        "a": {
            "doc": "a",
            "event_date": "2025-01-01",
            "countries": ["RUS", "BLR"],
            "blocs": [],
            "sectors": ["uav"],
            "organizations": [],
            "figures": [{"value": 5, "unit": "count"}, {"value": 1.5, "unit": "times"}],
        }
    }
    pred = {
        "a": {
            **exp["a"],
            "event_date": None,
            "countries": ["RUS", "KAZ"],
            "figures": [{"value": 5.0, "unit": "count"}, {"value": 1.5, "unit": "percent"}],
        }
    }
    s = q.score(pred, exp)
    assert (s["countries"]["tp"], s["countries"]["fp"], s["countries"]["fn"]) == (1, 1, 1)
    assert s["countries"]["f1"] == pytest.approx(0.5)
    assert (s["figures"]["tp"], s["figures"]["fp"], s["figures"]["fn"]) == (1, 1, 1)
    assert s["event_date"]["accuracy"] == 0.0
    assert q.target_failures(s) == {
        "countries_f1": 0.5,
        "figures_f1": 0.5,
        "event_date_accuracy": 0.0,
    }
    wrong = {"a": {**exp["a"], "event_date": "2025-01-02"}}
    s = q.score(wrong, exp)
    assert s["event_date"]["given"] == 1 and s["event_date"]["given_wrong_share"] == 1.0
    assert "event_date_given_wrong_share" in q.target_failures(s)
