"""House-style figures: every figure has its source line, synthetic ones their label."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from coopstats import plots  # noqa: E402
from coopstats.errors import InvalidParameterError  # noqa: E402


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2021, 2022, 2020, 2021, 2022],
            "sector": ["a"] * 3 + ["b"] * 3,
            "value_usd": [1e9, 2e9, 3e9, 5e8, 4e8, 6e8],
        }
    )


def test_line_by_year_has_source_and_no_synthetic_label_by_default():
    fig = plots.line_by_year(
        _series(), y="value_usd", hue="sector", source="facts.csv F015", money_scale="bn"
    )
    assert "Source: facts.csv F015" in _texts(fig)
    assert plots.SYNTHETIC_LABEL not in _texts(fig)
    assert not plt.get_fignums(), "figures are closed so notebooks show them once"
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021", "2022"]


def test_synthetic_label_is_drawn():
    fig = plots.bars(_series(), x="value_usd", y="sector", source="demo", synthetic=True)
    assert plots.SYNTHETIC_LABEL in _texts(fig)


@pytest.mark.parametrize("source", ["", "   ", None])
def test_a_figure_without_source_is_refused(source):
    with pytest.raises(InvalidParameterError, match="source"):
        plots.line_by_year(_series(), y="value_usd", source=source)


def test_missing_column_is_a_clear_error():
    with pytest.raises(InvalidParameterError, match="value"):
        plots.line_by_year(_series(), y="value", source="x")


def test_money_formatter_keeps_ticks_distinct():
    fmt = plots.money_formatter("mn")
    labels = [fmt(v, 0) for v in (0, 2e5, 4e5, 1.25e6)]
    assert labels == ["0 mn USD", "0.2 mn USD", "0.4 mn USD", "1.25 mn USD"]
    assert plots.money_scale_for([5e5, 2.5e9]) == "bn"
    assert plots.money_scale_for([12.0]) == ""
    with pytest.raises(InvalidParameterError, match="scale"):
        plots.money_formatter("trillions")


def test_reference_line_and_heatmap_and_timeline():
    fig = plots.line_by_year(
        _series(),
        y="value_usd",
        hue="sector",
        source="x",
        reference=1e9,
        reference_label="threshold",
    )
    assert "threshold" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    matrix = pd.DataFrame(
        {"uav": [1, 0], "optics": [2, 3]}, index=pd.Index(["BLR", "RUS"], name="country_iso3")
    )
    fig = plots.heatmap(matrix, source="events", synthetic=True)
    assert plots.SYNTHETIC_LABEL in _texts(fig)
    events = pd.DataFrame(
        {"event_date": ["2024-01-02", None], "event_id": ["a", "b"], "bloc": ["EAEU", "CIS"]}
    )
    fig = plots.event_timeline(events, group="bloc", source="events")
    assert any("1 undated" in t.get_text() for t in fig.axes[0].texts)
    with pytest.raises(InvalidParameterError):
        plots.heatmap(pd.DataFrame(), source="x")


def test_png_output_is_deterministic():
    def png() -> bytes:
        buf = io.BytesIO()
        plots.line_by_year(_series(), y="value_usd", hue="sector", source="x").savefig(
            buf, format="png"
        )
        return buf.getvalue()

    assert png() == png()


def test_global_matplotlib_state_is_untouched():
    before = dict(plt.rcParams)
    plots.bars(_series(), x="value_usd", y="sector", source="x")
    assert dict(plt.rcParams) == before


def test_notebook_display_carries_alt_text():
    fig = plots.line_by_year(_series(), y="value_usd", title="Trade", source="facts.csv F015",
                             synthetic=True)
    data, meta = fig._repr_mimebundle_()
    assert data["image/png"][:8] == "iVBORw0K"  # base64 of the PNG signature
    assert meta["image/png"]["alt"] == f"Trade; source: facts.csv F015; {plots.SYNTHETIC_LABEL}"


def test_one_column_heatmap_with_long_labels_keeps_its_layout():
    """A one-column matrix with long Russian row labels and title draws without a layout warning."""
    import warnings

    from coopstats import plots

    matrix = pd.DataFrame(
        {"Novosibirsk region – BLR": [2, 1, 2]},
        index=["микроэлектроника", "оптика и оптоэлектроника", "наука и образование"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.heatmap(
            matrix,
            source="test",
            title="Записи о региональном сотрудничестве по отраслям и партнёрам",
        )
        fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_window_extent().width > 100  # the cells keep a real width
    assert "\n" in ax.get_title(loc="left") + ax.get_title()
