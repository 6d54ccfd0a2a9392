"""Page prose computed from results (coopstats.pages), in English and Russian."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopstats import pages
from coopstats.errors import InvalidParameterError
from coopstats.trends import break_test, log_linear_trend


def test_data_window_cuts_and_explains():
    exact = pages.data_window(range(2015, 2025), 2015, 2024, what="flows")
    assert (exact.start, exact.end, exact.text, exact.note()) == (2015, 2024, "", None)
    cut = pages.data_window(range(2015, 2025), 2012, 2026, what="flows")
    assert (cut.start, cut.end) == (2015, 2024)
    assert "2012-2014" in cut.text and "2025-2026" in cut.text
    outside = pages.data_window(range(2015, 2025), 2005, 2010, what="flows")
    assert outside.is_empty and "lies outside" in outside.text and outside.note().kind == "empty"
    none = pages.data_window([], 2015, 2024, what="KAZ -> UKR flows", language="ru")
    assert none.is_empty and "KAZ -> UKR" in none.text and none.years == 0


def test_guarded_turns_refusals_into_notes_and_keeps_bugs():
    f = pd.DataFrame({"year": [2020, 2021, 2022], "value_usd": [1.0, 2.0, 3.0]})
    res, missing = pages.guarded(log_linear_trend, f, what="Trend")
    assert (
        res is None and "Trend: not computed" in missing.text and "at least 5 years" in missing.text
    )
    with pytest.raises(KeyError):
        pages.guarded(dict().__getitem__, "x", what="bug")
    shown = pages.figure_or_note(log_linear_trend, f, what="Trend")
    assert isinstance(shown, pages.Note)


def test_break_and_trend_text_state_p_values_and_method():
    rng = np.random.default_rng(3)
    years = np.arange(2015, 2025)
    v = np.exp(3 + 0.05 * (years - 2015) + 0.4 * (years >= 2022) + 0.05 * rng.standard_normal(10))
    f = pd.DataFrame({"year": years, "value_usd": v})
    r = break_test(f, break_year=2022)
    c = r.coefficients.set_index("term")
    en = pages.break_text(r, what="BLR -> RUS")
    assert f"p = {c.loc['level_change', 'p_value']:.3f}" in en or "p = < 0.001" in en
    assert "Chow" in en and "Student t" in en and "6 residual degrees of freedom" in en
    ru = pages.break_text(r, what="BLR -> RUS", language="ru")
    assert "тест Чоу" in ru and "Метод" in ru
    t = pages.trend_text(log_linear_trend(f.assign(sector="total"), by="sector"))
    assert t.startswith("Trend growth over 10 years, 2015-2024: total:") and "Method: OLS" in t


def test_facts_comparability_keeps_rouble_figures_apart():
    facts = pd.DataFrame(
        {
            "fact_id": ["F1", "F2", "F3", "F4"],
            "unit": ["USD", "RUB", "percent", "count"],
            "currency": ["USD", "RUB", None, None],
        }
    )
    marked, text = pages.facts_comparability(facts)
    assert marked["comparable"].tolist() == [
        "yes",
        "no: stated in another currency",
        "no: percent with unstated currency",
        "no: not a money figure",
    ]
    assert text.startswith("1 of 4") and "RUB" in text
    assert "нет приведённых" in pages.facts_comparability(facts.iloc[:0], language="ru")[1]


def test_priority_composites_rank_need_and_capacity_apart():
    rows = {
        "microelectronics": (10.0, 2.0, 0.60, 40.0),
        "machine_tools": (45.0, 6.0, 0.30, 10.0),
        "optics": (25.0, -1.0, 0.45, 25.0),
    }
    names = ["intra_bloc_share_pct", "intra_bloc_cagr_pct", "extra_bloc_hhi", "dependent_share_pct"]
    ind = pd.DataFrame(
        [(s, n, v) for s, vals in rows.items() for n, v in zip(names, vals, strict=True)],
        columns=["sector", "indicator", "value"],
    )
    need, cap = pages.priority_composites(ind, weights=dict.fromkeys(names, 1.0))
    assert (need.basis, cap.basis) == ("need", "capacity")
    assert need.scores["sector"].iloc[0] == "microelectronics"
    assert cap.scores["sector"].iloc[0] == "machine_tools"
    assert "need-based priority" in need.text and "capacity-based priority" in cap.text
    only_need = pages.priority_composites(
        ind, weights={"extra_bloc_hhi": 1.0, "intra_bloc_share_pct": 0.0}
    )
    assert only_need[1].scores is None and "no weight" in only_need[1].text


def test_bloc_text_names_rule_changes_and_the_pair():
    text = pages.bloc_text("EAEU", ["KGZ", "RUS"], 2015, 2016, as_of="mid_year")
    assert "KGZ became member on 2015-08-12" in text
    assert "KGZ is not counted as a member of EAEU in 2015" in text
    assert "members in every year" in pages.bloc_text("EAEU", ["BLR", "RUS"], 2016, 2020)


def test_plots_keep_reference_lines_in_view_and_refuse_empty_charts():
    from coopstats import plots

    f = pd.DataFrame({"year": [2020, 2021, 2022], "hhi": [0.1, 0.12, 0.11]})
    fig = plots.line_by_year(f, y="hhi", reference=0.4, source="s")
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= 0.4 < hi
    bundle, meta = fig._repr_mimebundle_()
    assert meta["image/png"]["coopstats_has_data"] is True
    with pytest.raises(InvalidParameterError, match="empty chart"):
        plots.line_by_year(f.iloc[:0], y="hhi", source="s")


def test_single_dataset_keeps_the_widest_and_names_what_is_left_out():
    f = pd.DataFrame(
        {
            "year": [2015, 2016, 2017, 2022, 2024],
            "dataset": ["SYNTHETIC_DEMO"] * 3 + ["BACI_HS17_V202601"] * 2,
            "hs6_code": ["000001", "000001", "000002", "000003", "000003"],
        }
    )
    kept, why = pages.single_dataset(f, what="imports")
    assert kept["dataset"].unique().tolist() == ["SYNTHETIC_DEMO"] and len(kept) == 3
    assert "leaves out 2 rows of BACI_HS17_V202601 (2022, 2024; 1 products)" in why.text
    same, none = pages.single_dataset(kept, what="imports")
    assert none is None and len(same) == 3
