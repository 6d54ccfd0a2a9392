"""Figures in one house style (seaborn), each carrying its source line.

Every function here returns a closed :class:`matplotlib.figure.Figure`, so a notebook shows it
exactly once (as the last expression of a cell) and a script can ``fig.savefig(...)`` it.
Every figure is finished by :func:`finish`, which writes the mandatory source line at the
bottom and, for the demonstration panel, the label ``SYNTHETIC DEMONSTRATION DATA`` across
the top. Functions take tidy long frames with the canonical column names of
:mod:`coopstats.columns` and never read files.

The style: seaborn ``whitegrid``, the colour-blind palette, 9.5 x 4.8 inch figures at 100 dpi,
thin spines, titles left-aligned. matplotlib's global state is not changed (each figure is
drawn inside :func:`house_style`).
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .errors import InvalidParameterError
from .sources.synthetic import DEMO_LABEL

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "SYNTHETIC_LABEL",
    "PALETTE",
    "house_style",
    "finish",
    "keep_in_view",
    "line_by_year",
    "bars",
    "heatmap",
    "event_timeline",
    "money_formatter",
    "money_scale_for",
    "hs_labels",
    "code_labels",
]

#: Label drawn on every figure that shows the synthetic demonstration panel (defined once,
#: in :mod:`coopstats.sources.synthetic`).
SYNTHETIC_LABEL = DEMO_LABEL
#: seaborn palette of the house style.
PALETTE = "colorblind"
_FIGSIZE = (9.5, 4.8)
_DPI = 100
_RC = {
    "axes.titlelocation": "left",
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.dpi": _DPI,
    "savefig.dpi": _DPI,
    "font.family": "DejaVu Sans",
    # deterministic PNG/SVG output (no hashes of object ids, no dates)
    "svg.hashsalt": "coopstats",
    "path.simplify": True,
}
_SCALES = {"": 1.0, "k": 1e3, "mn": 1e6, "bn": 1e9}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context in which figures get the coopstats style (seaborn whitegrid + :data:`PALETTE`)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    with (
        plt.rc_context(),
        sns.axes_style("whitegrid"),
        sns.plotting_context("notebook", font_scale=0.9),
    ):
        plt.rcParams.update(_RC)
        with sns.color_palette(PALETTE):
            yield


def _new_figure(figsize: tuple[float, float] | None = None):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize or _FIGSIZE, dpi=_DPI, layout="constrained")
    return fig, ax


def finish(fig: Figure, *, source: str, synthetic: bool = False,
           language: str | None = None) -> Figure:
    """Write the source line (and the synthetic label) on ``fig``; close it; return it.

    Parameters
    ----------
    fig
        The figure to finish.
    source
        Where the numbers come from, e.g. ``"facts.csv F041-F050 (EEC statistics)"``.
        Required and non-empty: a figure without a source is not allowed in a report.
    synthetic
        True when the figure shows the synthetic demonstration panel; adds
        :data:`SYNTHETIC_LABEL` in red at the top.
    language
        ``"en"`` or ``"ru"`` for the source line and the synthetic label (``None``: the page
        language set by the notebook's parameters, :func:`coopstats.text.page_language`).

    Under ``coopstats report`` (``COOPSTATS_EXPORTS=1``) the displayed figure also carries its
    SVG, PDF and 300-dpi PNG (:func:`coopstats.outputs.figure_export`).

    Raises
    ------
    InvalidParameterError
        When ``source`` is empty.
    """
    import matplotlib.pyplot as plt

    if not isinstance(source, str) or not source.strip():
        raise InvalidParameterError("source", source, why="every figure must name its source")
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.88 if synthetic else 0.94))
    from .text import check_language, page_language
    from .text import t as _t

    language = check_language(language or page_language())
    synthetic_label = _t("banner.synthetic", language)
    fig.text(
        0.01,
        0.01,
        f"{_t('page.source', language)}: {source.strip()}",
        fontsize=7.5,
        color="#444444",
        ha="left",
        va="bottom",
        wrap=True,
    )
    if synthetic:
        fig.text(0.5, 0.985, synthetic_label, fontsize=13, fontweight="bold", color="#b00020",
                 ha="center", va="top")
    titles = [t for ax in fig.axes for t in (ax.get_title("left"), ax.get_title()) if t]
    label = [synthetic_label] if synthetic else []
    alt = "; ".join([*titles[:1], f"source: {source.strip()}", *label])
    title = titles[0] if titles else "figure"
    fig._repr_mimebundle_ = lambda include=None, exclude=None: _png_bundle(
        fig, alt, title=title, source=source.strip()
    )
    plt.close(fig)
    return fig


def _png_bundle(fig: Figure, alt: str, *, title: str = "figure",
                source: str = "") -> tuple[dict, dict]:
    """PNG display bundle with alternative text (used by IPython instead of its formatter).

    Under ``coopstats report`` the bundle also carries the figure's SVG, PDF and 300-dpi PNG
    (:data:`coopstats.outputs.FIGURE_MIME`), which the build writes next to the page.
    """
    import base64
    import io

    from .outputs import FIGURE_MIME, exports_enabled, figure_export

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", facecolor="white")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    bundle = {"image/png": data, "text/plain": f"<Figure: {alt}>"}
    if exports_enabled():
        bundle[FIGURE_MIME] = figure_export(fig, title=title, source=source)
    # has_data: whether any axis shows data (an empty chart must never reach a page)
    has_data = any(ax.has_data() for ax in fig.axes)
    return bundle, {"image/png": {"alt": alt, "coopstats_has_data": has_data}}

def _short_number(x: float) -> str:
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money_formatter(scale: str = "bn", currency: str = "USD", language: str | None = None):
    """Return a matplotlib tick formatter writing e.g. ``"45 bn USD"`` or ``"0.25 mn USD"``.

    ``scale`` is one of ``""``, ``"k"``, ``"mn"``, ``"bn"``; up to two decimals are shown,
    trailing zeros dropped, so ticks never collapse to the same label. In Russian
    (``language="ru"``, default: the page language) ticks read ``"45 млрд долл."`` with a
    decimal comma.
    """
    from matplotlib.ticker import FuncFormatter

    from .text import check_language, page_language

    if scale not in _SCALES:
        raise InvalidParameterError("scale", scale, list(_SCALES))
    language = check_language(language or page_language())
    div = _SCALES[scale]
    if language == "ru":
        words = {"": "", "k": " тыс.", "mn": " млн", "bn": " млрд"}
        cur = {"USD": "долл.", "RUB": "руб.", "BYN": "бел. руб.", "EUR": "евро"}.get(currency,
                                                                               currency)
        return FuncFormatter(
            lambda v, _pos: f"{_short_number(v / div).replace('.', ',')}{words[scale]} {cur}"
        )
    suffix = f" {scale}" if scale else ""
    return FuncFormatter(lambda v, _pos: f"{_short_number(v / div)}{suffix} {currency}")


def money_scale_for(values: pd.Series | Sequence[float]) -> str:
    """Return the scale ("", "k", "mn" or "bn") that puts the largest value below 1000."""
    top = float(pd.Series(values, dtype="float64").abs().max()) if len(values) else 0.0
    for scale in ("bn", "mn", "k"):
        if top >= _SCALES[scale]:
            return scale
    return ""


def _require(frame: pd.DataFrame, columns: Sequence[str | None], what: str) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            "frame", f"columns {list(frame.columns)}", why=f"{what} needs the column(s) {missing}"
        )
    if frame.empty:
        raise InvalidParameterError(
            "frame",
            "a frame with no rows",
            why=f"{what} would draw an empty chart; show a note saying why instead "
            "(coopstats.pages.guarded)",
        )


def keep_in_view(ax, value: float, *, axis: str = "y", margin: float = 0.08) -> None:
    """Widen an axis so a reference line at ``value`` is inside it with a margin.

    ``axhline``/``axvline`` do not take part in autoscaling, so a threshold above the data
    (an HHI limit of 0.4 over shares of 0.1) would otherwise be drawn off the axis.
    """
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    span = max(hi - lo, abs(value), 1e-12)
    new_lo = min(lo, value - margin * span) if value <= lo else lo
    new_hi = max(hi, value + margin * span) if value >= hi else hi
    if (new_lo, new_hi) != (lo, hi):
        (ax.set_ylim if axis == "y" else ax.set_xlim)(new_lo, new_hi)


def line_by_year(
    frame: pd.DataFrame,
    *,
    y: str,
    source: str,
    x: str = "year",
    hue: str | None = None,
    title: str = "",
    ylabel: str = "",
    money_scale: str | None = None,
    currency: str = "USD",
    synthetic: bool = False,
    marker: str = "o",
    reference: float | None = None,
    reference_label: str = "",
    span: tuple[float, float] | None = None,
    span_label: str = "",
) -> Figure:
    """Line chart of ``y`` by year, one line per ``hue`` group.

    Parameters
    ----------
    frame
        Tidy frame with columns ``x`` (default ``year``), ``y`` and optionally ``hue``.
    y, x, hue
        Column names.
    source
        Source line (see :func:`finish`).
    title, ylabel
        Texts.
    money_scale
        When set (``"bn"``, ``"mn"``, ``"k"``, ``""`` or ``"auto"``), the y axis is formatted
        as money in ``currency``.
    synthetic
        Draw :data:`SYNTHETIC_LABEL`.
    marker
        Marker of the observed points (years without a value are left as gaps, not joined).
    reference, reference_label
        A horizontal dashed reference line (e.g. a threshold) and its legend label.
    span, span_label
        Years ``(first, last)`` shaded grey with a legend label, e.g. a reporting blackout
        in which the data hold no flow (:mod:`coopstats.coverage`).
    """
    import seaborn as sns

    _require(frame, [x, y, hue], "line_by_year")
    frame = code_labels(frame, [hue])
    with house_style():
        fig, ax = _new_figure()
        data = frame.sort_values([c for c in (hue, x) if c])
        sns.lineplot(data=data, x=x, y=y, hue=hue, marker=marker, ax=ax, errorbar=None)
        ax.set_title(title)
        ax.set_xlabel("")
        ax.set_ylabel(ylabel)
        years = sorted(pd.unique(data[x]))
        if years and all(float(v).is_integer() for v in years):
            ax.set_xticks(years)
            ax.set_xticklabels([str(int(v)) for v in years], rotation=0)
        if money_scale is not None:
            scale = money_scale_for(data[y]) if money_scale == "auto" else money_scale
            ax.yaxis.set_major_formatter(money_formatter(scale, currency))
        ax.set_ylim(bottom=0 if (data[y].dropna() >= 0).all() else None)
        if reference is not None:
            ax.axhline(
                reference,
                color="#555555",
                linestyle="--",
                linewidth=1,
                label=reference_label or f"reference {reference:g}",
            )
            keep_in_view(ax, reference)
        if span is not None:
            ax.axvspan(
                float(span[0]) - 0.5, float(span[1]) + 0.5, color="#999999", alpha=0.18,
                linewidth=0, label=span_label or f"{span[0]:g}-{span[1]:g}",
            )
        if hue or reference is not None or span is not None:
            ax.legend(title="", loc="best")
    return finish(fig, source=source, synthetic=synthetic)


def bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    source: str,
    hue: str | None = None,
    title: str = "",
    xlabel: str = "",
    horizontal: bool = True,
    money_scale: str | None = None,
    currency: str = "USD",
    synthetic: bool = False,
    annotate: str | None = None,
) -> Figure:
    """Bar chart; horizontal by default (category ``y`` on the vertical axis).

    Parameters
    ----------
    frame
        Tidy frame; for ``horizontal=True`` ``x`` is the measure and ``y`` the category.
    x, y, hue
        Column names.
    source
        Source line (see :func:`finish`).
    title, xlabel
        Texts.
    horizontal
        Draw horizontal bars (long category names stay readable).
    money_scale, currency
        Format the measure axis as money.
    synthetic
        Draw :data:`SYNTHETIC_LABEL`.
    annotate
        ``str.format`` pattern for value labels at the bar ends, e.g. ``"{:.1f}"``.
    """
    import seaborn as sns

    _require(frame, [x, y, hue], "bars")
    frame = code_labels(frame, [hue, y if horizontal else x])
    category = y if horizontal else x
    if category == "hs6_code":  # products carry their HS description
        frame = hs_labels(frame)
    with house_style():
        n = frame[y if horizontal else x].nunique()
        height = max(2.6, min(9.0, 0.9 + 0.32 * n * (1 if hue is None else 1.6)))
        fig, ax = _new_figure((_FIGSIZE[0], height) if horizontal else None)
        sns.barplot(
            data=frame, x=x, y=y, hue=hue, orient="h" if horizontal else "v", ax=ax, errorbar=None
        )
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("")
        if money_scale is not None:
            axis = ax.xaxis if horizontal else ax.yaxis
            scale = (
                money_scale_for(frame[x if horizontal else y])
                if money_scale == "auto"
                else money_scale
            )
            axis.set_major_formatter(money_formatter(scale, currency))
        if annotate:
            for container in ax.containers:
                ax.bar_label(container, fmt=lambda v: annotate.format(v), fontsize=8, padding=2)
        if hue:
            ax.legend(title="", loc="best")
    return finish(fig, source=source, synthetic=synthetic)


#: columns whose codes get their catalogue names on figures (legends, category axes)
_CODE_COLUMNS = {"sector": "sector", "sectors": "sector", "bloc": "bloc", "blocs": "bloc"}


def code_labels(frame: pd.DataFrame, columns: Sequence[str | None],
                language: str | None = None) -> pd.DataFrame:
    """Name sector and bloc codes in ``columns`` in the page language (``uav`` -> ``БПЛА``).

    English keeps the codes as they are; other languages use the catalogue
    (:func:`coopstats.text.t`, keys ``sector.<code>``, ``bloc.<code>``). Other columns and
    codes without a catalogue name are left unchanged.
    """
    from .text import check_language, has, page_language, t

    language = check_language(language or page_language())
    if language == "en":
        return frame
    out = frame
    for col in columns:
        prefix = _CODE_COLUMNS.get(col or "")
        if prefix and col in frame.columns:
            out = out.copy() if out is frame else out
            out[col] = frame[col].map(
                lambda v, p=prefix: t(f"{p}.{v}", language) if isinstance(v, str)
                and has(f"{p}.{v}") else v
            )
    return out


def hs_labels(frame: pd.DataFrame, *, column: str = "hs6_code", width: int = 42,
              revision: str = "HS17") -> pd.DataFrame:
    """Replace HS6 codes in ``column`` by ``"854231 Electronic integrated circuits: proc…"``.

    Descriptions come from the HS product list of the revision (CEPII BACI); the text is cut
    to ``width`` characters with an ellipsis. Codes without a description stay bare.
    """
    from .tables import with_hs_descriptions

    described = with_hs_descriptions(frame.rename(columns={column: "hs6_code"}),
                                      revision=revision)
    desc = described["hs_description"].fillna("").astype(str)
    short = desc.where(desc.str.len() <= width, desc.str.slice(0, width - 1).str.rstrip() + "…")
    out = frame.copy()
    out[column] = (frame[column].astype(str) + " " + short).str.strip()
    return out


def heatmap(
    matrix: pd.DataFrame,
    *,
    source: str,
    title: str = "",
    fmt: str = ".0f",
    cbar_label: str = "",
    synthetic: bool = False,
    cmap: str = "rocket_r",
) -> Figure:
    """Annotated heatmap of a wide matrix (index = rows, columns = columns, numeric cells).

    Parameters
    ----------
    matrix
        Wide numeric frame, e.g. the country x sector count of
        :func:`coopstats.events.country_sector_matrix`.
    source
        Source line (see :func:`finish`).
    title, fmt, cbar_label, cmap
        Presentation.
    synthetic
        Draw :data:`SYNTHETIC_LABEL`.
    """
    import seaborn as sns

    if matrix.empty:
        raise InvalidParameterError("matrix", "empty frame", why="nothing to draw")
    with house_style():
        rows, cols = matrix.shape
        # room for the row labels and the colour bar, so a one-column matrix keeps its cells
        label_in = 0.085 * max((len(str(i)) for i in matrix.index), default=0)
        width = max(5.5, 2.0 + label_in + 0.9 * cols)
        fig, ax = _new_figure((width, max(2.8, 1.2 + 0.45 * rows)))
        title = textwrap.fill(title, width=max(28, int(width * 5.5))) if title else title
        sns.heatmap(
            matrix.astype(float),
            annot=True,
            fmt=fmt,
            cmap=cmap,
            linewidths=0.5,
            cbar_kws={"label": cbar_label},
            ax=ax,
        )
        ax.set_title(title)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="x", rotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    return finish(fig, source=source, synthetic=synthetic)


def event_timeline(
    frame: pd.DataFrame,
    *,
    source: str,
    date: str = "event_date",
    label: str = "event_id",
    group: str | None = None,
    title: str = "",
    synthetic: bool = False,
) -> Figure:
    """Dot timeline: one row per event (``label``), placed at its ``date``, coloured by ``group``.

    Rows without a date are not drawn; the caller reports them (the figure says how many).
    """
    import seaborn as sns

    _require(frame, [date, label, group], "event_timeline")
    frame = code_labels(frame, [group])
    data = frame.assign(**{date: pd.to_datetime(frame[date], errors="raise")})
    undated = int(data[date].isna().sum())
    data = data.dropna(subset=[date]).sort_values([date, label])
    if data.empty:
        raise InvalidParameterError(
            "frame", "no dated rows", why="a timeline needs at least one dated event"
        )
    with house_style():
        n = data[label].nunique()
        fig, ax = _new_figure((_FIGSIZE[0], max(2.6, 1.0 + 0.38 * n)))
        sns.scatterplot(data=data, x=date, y=label, hue=group, s=70, ax=ax)
        ax.set_title(title)
        ax.set_xlabel("")
        ax.set_ylabel("")
        if group:
            ax.legend(title="", loc="best", fontsize=8)
        if undated:
            ax.text(
                1.0,
                -0.12,
                f"{undated} undated event(s) not shown",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=8,
                color="#666666",
            )
    return finish(fig, source=source, synthetic=synthetic)
