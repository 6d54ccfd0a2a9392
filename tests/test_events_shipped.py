"""The shipped events table is the extractor's current output on the seeds (issue #7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopstats import events
from coopstats.errors import DataFileError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data/raw/events/seed_events.jsonl"


def test_shipped_seed_events_equal_a_fresh_extraction(shared_dir):
    fresh = events.extract_events(shared_dir / "seeds")
    assert fresh.errors.empty
    assert SHIPPED.read_text(encoding="utf-8") == fresh.to_jsonl(), (
        "data/raw/events/seed_events.jsonl is stale: regenerate it with "
        "`coopstats events extract ../shared/seeds -o data/raw/events/seed_events.jsonl`"
    )


def test_shipped_events_read_back_into_valid_frames():
    result = events.read_events_jsonl(SHIPPED)
    assert list(result.events["event_id"]) == sorted(result.events["event_id"])
    assert len(result.events) == 5
    # the Union State seed states Belarus's microelectronics exports to Russia: 192 mn USD, +127.5 %
    row = result.figures[
        (result.figures["unit"] == "USD") & (result.figures["value"] == 192_000_000)
    ]
    assert list(row["event_id"]) == ["003_6ea5807902e91aca"]
    assert "UNION_STATE" in result.events.set_index("event_id").loc["003_6ea5807902e91aca", "blocs"]


def test_no_seed_sentence_is_shipped(shared_dir):
    text = SHIPPED.read_text(encoding="utf-8")
    for seed in sorted((shared_dir / "seeds").glob("*.txt")):
        for sentence in seed.read_text(encoding="utf-8").split(". "):
            if len(sentence) > 60:
                assert sentence not in text, seed.name


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json\n", r"x\.jsonl:1: not JSON"),
        ('{"doc": "a"}\n', r"x\.jsonl:1: record keys"),
    ],
)
def test_bad_events_jsonl_names_file_and_line(tmp_path, content, match):
    path = tmp_path / "x.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=match):
        events.read_events_jsonl(path)


def test_repeated_doc_is_an_error(tmp_path):
    line = SHIPPED.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"x\.jsonl:2: column 'doc'"):
        events.read_events_jsonl(path)
