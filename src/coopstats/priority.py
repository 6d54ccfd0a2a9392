"""Sector priority: specialisation, complementarity, complexity and composite scores.

Where to start
--------------
Country–product measures take an *exports* frame: ``year, exporter_iso3`` (or
``country_iso3``), ``hs6_code, value_usd`` — ``data/processed/exports_by_country.parquet``
(every country's exports to the world). A bilateral trade frame also works: it is summed
over ``importer_iso3`` first, so measures are then relative to the flows in that frame.

=================================  ==========================================================
function                           what it measures
=================================  ==========================================================
:func:`rca`                        Balassa RCA, symmetric RCA, presence ``mcp``
:func:`complexity`                 ECI / PCI, Growth Lab eigenvector or OEC reflections
:func:`trade_complementarity`      how well j's exports match k's imports (WITS TC, 0–100)
:func:`export_similarity`          Finger–Kreinin overlap of two export baskets (0–100)
:func:`grubel_lloyd`               intra-industry trade index (0–1), product or aggregate
:func:`sector_indicators`          per-sector indicator panel (intra-bloc share, CAGR, HHI,
                                   dependent share) that a composite ranks
:func:`priority_scores`            weighted composite of sector indicators, ranked
:func:`rank_stability`             how often each sector stays in the top k under random
                                   weights (Dirichlet, explicit seed)
=================================  ==========================================================

Complexity conventions (stated in every :class:`ComplexityResult`)
-----------------------------------------------------------------
``method="eigenvector"`` reproduces the Harvard Growth Lab's ``py-ecomplexity`` / Stata
``ecomplexity``: ECI from the eigenvector of the second-largest eigenvalue, sign chosen so
ECI correlates positively with diversity, standardised with the population sd; PCI is
standardised with **ECI's** mean and sd (so ECI = mean PCI of a country's products up to
scale). The eigenproblem is solved on the small country side (a symmetric C × C matrix)
and PCI is derived from it, which gives the same vectors as the product side and is much
faster. ``method="reflections"`` reproduces the OEC / Datawheel ``economic-complexity``
method of reflections (20 reflections by default, no sign flip, ECI and PCI each
standardised with their own mean and sample sd). The two differ in scale and, on small
panels, in order.

References
----------
Balassa (1965); Laursen (1998/2015) for symmetric RCA; Hidalgo & Hausmann (2009) PNAS 106:
10570; Hausmann et al. (2014) *The Atlas of Economic Complexity*; Finger & Kreinin (1979)
*Econ. J.* 89: 905; Michaely (1996) and WITS "Trade Indicators" for complementarity;
Grubel & Lloyd (1975); Saisana, Saltelli & Tarantola (2005) for weight-sensitivity analysis.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .checks import (
    require_columns,
    require_no_nan,
    require_unique,
    validate_literal,
)
from .complementarity import export_similarity, grubel_lloyd, trade_complementarity
from .complexity import (
    ATLAS_FILTERS,
    CONVENTIONS,
    MIN_EIGEN_GAP_REL,
    MIN_RANK_AGREEMENT,
    ComplexityResult,
    complexity,
    rca,
)
from .errors import InvalidParameterError

__all__ = [
    "rca",
    "ComplexityResult",
    "complexity",
    "trade_complementarity",
    "export_similarity",
    "grubel_lloyd",
    "priority_scores",
    "rank_stability",
    "CONVENTIONS",
    "ATLAS_FILTERS",
    "MIN_RANK_AGREEMENT",
    "MIN_EIGEN_GAP_REL",
    "INDICATORS",
    "BASIS_LABELS",
    "indicator_table",
    "score_contributions",
    "SECTOR_INDICATORS",
    "SectorIndicators",
    "sector_indicators",
    "member_eci",
    "member_sector_rca",
    "sector_pci",
    "contribution_table",
]

logger = logging.getLogger(__name__)


#: Declared priority indicators: what each measures (``kind``: ``need`` for the bloc's need to
#: build or secure supply, ``capacity`` for the base the bloc already has) and which way it
#: points (``higher_is``: ``more`` or ``less`` of that kind). A composite ranks one kind.
INDICATORS = {
    "intra_bloc_share_pct": {
        "kind": "capacity",
        "higher_is": "more",
        "en": "share of the members' imports bought from other members (existing intra-bloc "
        "supply)",
        "ru": "доля импорта членов, закупаемого у других членов (имеющиеся поставки внутри блока)",
    },
    "intra_bloc_cagr_pct": {
        "kind": "capacity",
        "higher_is": "more",
        "en": "compound annual growth of intra-bloc imports (momentum of intra-bloc supply)",
        "ru": "среднегодовой рост импорта внутри блока (динамика поставок внутри блока)",
    },
    "members_with_rca": {
        "kind": "capacity",
        "higher_is": "more",
        "en": "member-product pairs with RCA >= 1 in the sector (export competence)",
        "ru": "пары член-товар с RCA >= 1 в отрасли (экспортная компетенция)",
    },
    "extra_bloc_share_pct": {
        "kind": "need",
        "higher_is": "more",
        "en": "share of the members' imports bought outside the bloc (100 - intra-bloc share)",
        "ru": "доля импорта членов, закупаемого вне блока (100 - доля внутри блока)",
    },
    "extra_bloc_hhi": {
        "kind": "need",
        "higher_is": "more",
        "en": "concentration (HHI) of the suppliers outside the bloc (exposure)",
        "ru": "концентрация (HHI) поставщиков вне блока (уязвимость)",
    },
    "dependent_share_pct": {
        "kind": "need",
        "higher_is": "more",
        "en": "share of extra-bloc imports in products meeting the EC dependency criteria",
        "ru": "доля внешнего импорта в товарах, отвечающих критериям зависимости ЕК",
    },
}

#: What a composite of each kind ranks, in words.
BASIS_LABELS = {
    "capacity": {"en": "capacity-based priority", "ru": "приоритет по имеющемуся потенциалу"},
    "need": {"en": "need-based priority", "ru": "приоритет по потребности"},
    "unclassified": {
        "en": "composite of unclassified indicators (directions given by the caller)",
        "ru": "композит неклассифицированных показателей (направления задал пользователь)",
    },
}


# ---------------------------------------------------------------------------------------
# composite priority score and its stability
# ---------------------------------------------------------------------------------------


def _validate_weights(weights: Mapping[str, float], available: Sequence[str]) -> pd.Series:
    if not isinstance(weights, Mapping) or not weights:
        raise InvalidParameterError(
            "weights", weights, f"a mapping indicator -> weight over {list(available)}"
        )
    unknown = sorted(set(weights) - set(available))
    if unknown:
        raise InvalidParameterError(
            "weights", unknown, list(available), why="indicators not in the frame"
        )
    w = pd.Series(weights, dtype=float)
    if w.isna().any() or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InvalidParameterError(
            "weights", dict(weights), "non-negative finite numbers with a positive total"
        )
    return w.sort_index()


def indicator_table(
    declarations: Mapping[str, Mapping[str, str]] | None = None, *, language: str = "en"
) -> pd.DataFrame:
    """Return the declared priority indicators as a table (for a page or a check).

    Parameters
    ----------
    declarations
        Extra declarations ``{name: {"kind": "need"|"capacity", "higher_is": "more"|"less",
        "en": ..., "ru": ...}}`` added to :data:`INDICATORS`.
    language
        Language of the ``description`` column, ``"en"`` or ``"ru"``.

    Returns
    -------
    pandas.DataFrame
        ``indicator, kind, higher_is, description``, sorted by kind and indicator.
    """
    validate_literal("language", language, ("en", "ru"))
    table = _declarations(declarations)
    rows = [
        (name, d["kind"], d["higher_is"], d.get(language, d.get("en", "")))
        for name, d in table.items()
    ]
    out = pd.DataFrame(rows, columns=["indicator", "kind", "higher_is", "description"])
    return out.sort_values(["kind", "indicator"], kind="mergesort").reset_index(drop=True)


def _declarations(declarations) -> dict:
    table = {k: dict(v) for k, v in INDICATORS.items()}
    for name, d in dict(declarations or {}).items():
        if not isinstance(d, Mapping):
            raise InvalidParameterError("declarations", {name: d}, "a mapping per indicator")
        validate_literal(f"declarations[{name!r}]['kind']", d.get("kind"), ("need", "capacity"))
        validate_literal(
            f"declarations[{name!r}]['higher_is']", d.get("higher_is"), ("more", "less")
        )
        table[name] = dict(d)
    return table


def _resolve_basis(w, direction, basis, declarations):
    """Directions of the weighted indicators from the declared table, and the basis."""
    table = _declarations(declarations)
    direction = dict(direction or {})
    bad = {k: v for k, v in direction.items() if v not in ("higher", "lower")}
    if bad:
        raise InvalidParameterError("direction", bad, ["higher", "lower"])
    unknown = sorted(set(direction) - set(w.index))
    if unknown:
        raise InvalidParameterError(
            "direction", unknown, list(w.index), why="not a weighted indicator"
        )
    declared_too = sorted(set(direction) & set(table))
    if declared_too:
        raise InvalidParameterError(
            "direction",
            declared_too,
            "directions only for indicators not in the declared table",
            why="a declared indicator's direction comes from coopstats.priority.INDICATORS",
        )
    kinds = {}
    for ind in w.index[w > 0]:
        if ind in table:
            kinds[ind] = table[ind]["kind"]
            direction[ind] = "higher" if table[ind]["higher_is"] == "more" else "lower"
        else:
            kinds[ind] = "unclassified"
    found = sorted(set(kinds.values()))
    if basis is not None:
        validate_literal("basis", basis, ("need", "capacity"))
        off = {i: k for i, k in kinds.items() if k != basis}
        if off:
            raise InvalidParameterError(
                "weights",
                off,
                f"only {basis} indicators for a {basis}-based priority",
                why="a composite ranks one thing; declare the indicators "
                "(coopstats.priority.INDICATORS or declarations=) or weight them 0",
            )
        return direction, basis
    if len(found) > 1:
        raise InvalidParameterError(
            "weights",
            kinds,
            "indicators of one kind (all need or all capacity)",
            why="a composite that mixes need and capacity ranks nothing in particular; "
            "compute a need-based and a capacity-based priority separately",
        )
    return direction, found[0]


def _standardised(
    indicators: pd.DataFrame,
    *,
    key: str,
    weights: Mapping[str, float],
    direction: Mapping[str, str] | None,
    method: str,
    basis: str | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
):
    validate_literal("method", method, ("zscore", "minmax", "rank"))
    require_columns(indicators, (key, "indicator", "value"), name="indicators")
    require_no_nan(indicators, (key, "indicator", "value"), name="indicators")
    require_unique(indicators, (key, "indicator"), name="indicators")
    w = _validate_weights(weights, sorted(indicators["indicator"].unique()))
    direction, basis = _resolve_basis(w, direction, basis, declarations)
    wide = indicators[indicators["indicator"].isin(w.index)].pivot(
        index=key, columns="indicator", values="value"
    )
    wide = wide.reindex(columns=w.index).sort_index()
    if wide.isna().any().any():
        miss = wide.isna().stack()
        raise InvalidParameterError(
            "indicators",
            f"missing values for {list(miss[miss].index[:10])}",
            f"every {key} with every weighted indicator",
        )
    if len(wide) < 2:
        raise InvalidParameterError(
            "indicators", f"{len(wide)} {key}(s)", f"at least two {key}s to rank"
        )
    if method == "zscore":
        sd = wide.std(ddof=0)
        z = (wide - wide.mean()) / sd.where(sd > 0)
    elif method == "minmax":
        rng = wide.max() - wide.min()
        z = (wide - wide.min()) / rng.where(rng > 0)
    else:
        z = wide.rank(pct=True, method="average")
    z = z.fillna(0.0)  # an indicator constant across all sectors cannot discriminate: 0
    for ind, d in direction.items():
        if d == "lower":
            z[ind] = -z[ind] if method == "zscore" else 1.0 - z[ind]
    return z, w, basis


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties broken by position (keys are sorted), per column."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(scores.shape[0])[:, None]
    np.put_along_axis(ranks, order, rows + 1, axis=0)
    return ranks


def _score_table(z: pd.DataFrame, w: pd.Series, basis: str, key: str) -> pd.DataFrame:
    """Composite score and rank of each key from standardised ``z`` and weights ``w``."""
    score = z.to_numpy() @ (w / w.sum()).to_numpy()
    rank = _ranks(score[:, None])[:, 0]
    out = pd.DataFrame({key: z.index.to_numpy(), "score": score, "rank": rank.astype("int64")})
    out["basis"] = basis
    out["ranks"] = BASIS_LABELS[basis]["en"]
    return out.sort_values("rank", kind="mergesort").reset_index(drop=True)


def priority_scores(
    indicators: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    direction: Mapping[str, Literal["higher", "lower"]] | None = None,
    method: Literal["zscore", "minmax", "rank"] = "zscore",
    key: str = "sector",
    basis: Literal["need", "capacity"] | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Composite priority score of sectors (or products) from weighted indicators.

    .. math:: S_s = \frac{\sum_i w_i \, z_{is}}{\sum_i w_i}

    where :math:`z_{is}` is indicator *i* standardised across the keys: ``zscore``
    :math:`(v - \bar v)/\sigma` (population sd), ``minmax`` :math:`(v - \min)/(\max - \min)`
    or ``rank`` (percentile rank); indicators whose higher values mean *less* of what is
    ranked are reversed. An indicator constant across keys contributes 0.

    Every indicator declared in :data:`INDICATORS` (or ``declarations``) states its kind
    (``need`` or ``capacity``) and direction; a composite ranks one kind and says so
    (``basis``, ``ranks``): mixing need and capacity indicators is refused. Indicators not
    declared anywhere take their direction from ``direction`` and make an
    ``"unclassified"`` composite. :func:`score_contributions` splits each score into the
    indicators' contributions :math:`w_i z_{is} / \sum_i w_i`.

    Parameters
    ----------
    indicators
        Long frame ``key, indicator, value`` (e.g. ``sector, "rca_bloc", 1.3``).
    weights
        ``{indicator: weight}``, non-negative with a positive total (normalised here).
        Indicators not in ``weights`` are ignored.
    direction
        ``{indicator: "higher" | "lower"}`` for indicators *not* in the declared table;
        default ``"higher"``. Declared indicators take their direction from the table.
    method
        Standardisation: ``"zscore"``, ``"minmax"`` or ``"rank"``.
    key
        Column naming the ranked units (``sector``).
    basis
        ``"need"`` or ``"capacity"``: refuse weighted indicators of another kind. ``None``
        infers it from the weighted indicators (one kind required).
    declarations
        Extra indicator declarations, as in :func:`indicator_table`.

    Returns
    -------
    pandas.DataFrame
        ``key, score, rank`` (rank 1 = highest score; ties by key name), ``basis`` and
        ``ranks`` (what the score ranks, e.g. ``"capacity-based priority"``), sorted by rank.

    Raises
    ------
    InvalidParameterError
        Weights negative, empty or summing to 0; unknown indicators in ``weights`` or
        ``direction``; missing indicator values; fewer than two keys.

    References
    ----------
    OECD & JRC (2008). *Handbook on Constructing Composite Indicators*. OECD Publishing.

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"sector": ["uav", "uav", "optics", "optics"],
    ...                     "indicator": ["a", "b", "a", "b"], "value": [1.0, 0.0, 0.0, 1.0]})
    >>> priority_scores(ind, weights={"a": 3, "b": 1})[["sector", "score"]].values.tolist()
    [['uav', 0.5], ['optics', -0.5]]
    """
    z, w, basis = _standardised(
        indicators,
        key=key,
        weights=weights,
        direction=direction,
        method=method,
        basis=basis,
        declarations=declarations,
    )
    return _score_table(z, w, basis, key)


def score_contributions(
    indicators: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    direction: Mapping[str, Literal["higher", "lower"]] | None = None,
    method: Literal["zscore", "minmax", "rank"] = "zscore",
    key: str = "sector",
    basis: Literal["need", "capacity"] | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Each key's composite score split into its indicators' contributions.

    .. math:: c_{is} = \frac{w_i z_{is}}{\sum_j w_j}, \qquad \sum_i c_{is} = S_s

    Parameters
    ----------
    indicators, weights, direction, method, key, basis, declarations
        As in :func:`priority_scores`.

    Returns
    -------
    pandas.DataFrame
        ``key, indicator, value`` (raw), ``standardised`` (:math:`z_{is}`, already
        reversed where higher means less), ``weight`` (normalised :math:`w_i/\sum w`),
        ``contribution`` (:math:`c_{is}`), ``share_of_abs_pct`` (100 :math:`|c_{is}| /
        \sum_i |c_{is}|`: how much of the score one indicator drives), ``basis``; sorted by
        key and indicator.

    Raises
    ------
    InvalidParameterError
        As :func:`priority_scores`.

    References
    ----------
    OECD & JRC (2008). *Handbook on Constructing Composite Indicators*, step 8
    (decomposition of composite scores).

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"sector": ["uav", "uav", "optics", "optics"],
    ...     "indicator": ["extra_bloc_hhi", "dependent_share_pct"] * 2,
    ...     "value": [0.8, 10.0, 0.2, 30.0]})
    >>> c = score_contributions(ind, weights={"extra_bloc_hhi": 1, "dependent_share_pct": 1})
    >>> c.groupby("sector")["contribution"].sum().round(6).to_dict()
    {'optics': 0.0, 'uav': 0.0}
    """
    z, w, basis = _standardised(
        indicators,
        key=key,
        weights=weights,
        direction=direction,
        method=method,
        basis=basis,
        declarations=declarations,
    )
    wn = w / w.sum()
    z = z.rename_axis(index=key, columns="indicator")
    contrib = z * wn
    long = contrib.stack().rename("contribution").reset_index()
    long = long.merge(
        z.stack().rename("standardised").reset_index(), on=[key, "indicator"], validate="1:1"
    )
    raw = indicators[[key, "indicator", "value"]]
    long = long.merge(raw, on=[key, "indicator"], how="left", validate="1:1")
    long["weight"] = long["indicator"].map(wn)
    tot = long.groupby(key)["contribution"].transform(lambda c: c.abs().sum())
    long["share_of_abs_pct"] = (100.0 * long["contribution"].abs() / tot.where(tot > 0)).fillna(0.0)
    long["basis"] = basis
    cols = [key, "indicator", "value", "standardised", "weight", "contribution"]
    return (
        long[[*cols, "share_of_abs_pct", "basis"]]
        .sort_values([key, "indicator"], kind="mergesort")
        .reset_index(drop=True)
    )


def rank_stability(
    indicators: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    seed: int,
    top_k: int = 3,
    n_draws: int = 1000,
    concentration: float = 20.0,
    direction: Mapping[str, Literal["higher", "lower"]] | None = None,
    method: Literal["zscore", "minmax", "rank"] = "zscore",
    key: str = "sector",
    basis: Literal["need", "capacity"] | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Rank stability of the composite score under random perturbation of the weights.

    Draws :math:`w^{(r)} \sim \mathrm{Dirichlet}(\kappa\, w / \sum w)` for
    :math:`r = 1..R` (``concentration`` :math:`\kappa`: larger = closer to the chosen
    weights; indicators with weight 0 stay 0), recomputes :func:`priority_scores` for each
    draw and reports how often each key is in the top *k*:

    .. math:: \mathrm{top\_k\_pct}_s = \frac{100}{R} \sum_r 1[\mathrm{rank}^{(r)}_s \le k]

    Parameters
    ----------
    indicators, weights, direction, method, key, basis, declarations
        As in :func:`priority_scores`.
    seed
        Seed of :func:`numpy.random.default_rng` (required: results are reproducible).
    top_k
        Size of the top group, ``1 <= top_k <= number of keys``.
    n_draws
        Number of weight draws *R* (>= 1).
    concentration
        Dirichlet concentration :math:`\kappa > 0`.

    Returns
    -------
    pandas.DataFrame
        ``key, score, rank, basis, ranks`` (at the chosen weights), ``mean_rank``, ``rank_p05``,
        ``rank_p95``, ``top_k_pct``, ``top_k``, ``n_draws``, ``seed``; sorted by ``rank``.

    Raises
    ------
    InvalidParameterError
        Bad weights, ``top_k`` out of range, ``n_draws < 1``, ``concentration <= 0``,
        non-integer ``seed``.

    References
    ----------
    Saisana, M., Saltelli, A., & Tarantola, S. (2005). Uncertainty and sensitivity analysis
    techniques as tools for the quality assessment of composite indicators. *J. R. Stat.
    Soc. A*, 168(2), 307–323.

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"sector": ["uav", "uav", "optics", "optics"],
    ...                     "indicator": ["a", "b", "a", "b"], "value": [1.0, 1.0, 0.0, 0.0]})
    >>> r = rank_stability(ind, weights={"a": 1, "b": 1}, seed=1, top_k=1, n_draws=50)
    >>> r["top_k_pct"].tolist()
    [100.0, 0.0]
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InvalidParameterError("seed", seed, "an integer seed")
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
        raise InvalidParameterError("n_draws", n_draws, "an integer >= 1")
    if not (
        isinstance(concentration, (int, float, np.integer, np.floating))
        and concentration > 0
        and np.isfinite(concentration)
    ):
        raise InvalidParameterError("concentration", concentration, "a finite number > 0")
    z, w, basis = _standardised(
        indicators,
        key=key,
        weights=weights,
        direction=direction,
        method=method,
        basis=basis,
        declarations=declarations,
    )
    n_keys = len(z)
    if (
        isinstance(top_k, bool)
        or not isinstance(top_k, (int, np.integer))
        or not 1 <= top_k <= n_keys
    ):
        raise InvalidParameterError("top_k", top_k, f"an integer in [1, {n_keys}]")
    base = _score_table(z, w, basis, key)
    rng = np.random.default_rng(int(seed))
    pos = w[w > 0]
    alpha = float(concentration) * (pos / pos.sum()).to_numpy()
    draws = np.zeros((len(w), int(n_draws)))
    draws[np.flatnonzero(w.to_numpy() > 0), :] = rng.dirichlet(alpha, size=int(n_draws)).T
    ranks = _ranks(z.to_numpy() @ draws)
    stats = pd.DataFrame(
        {
            key: z.index.to_numpy(),
            "mean_rank": ranks.mean(axis=1),
            "rank_p05": np.percentile(ranks, 5, axis=1),
            "rank_p95": np.percentile(ranks, 95, axis=1),
            "top_k_pct": 100.0 * (ranks <= top_k).mean(axis=1),
        }
    )
    out = base.merge(stats, on=key, how="left", validate="one_to_one")
    out["top_k"] = int(top_k)
    out["n_draws"] = int(n_draws)
    out["seed"] = int(seed)
    return out


#: Indicators :func:`sector_indicators` computes (keys of :data:`INDICATORS`).
SECTOR_INDICATORS = (
    "intra_bloc_share_pct",
    "intra_bloc_cagr_pct",
    "extra_bloc_share_pct",
    "extra_bloc_hhi",
    "dependent_share_pct",
)


@dataclass(frozen=True)
class SectorIndicators:
    """The indicator panel of :func:`sector_indicators`.

    Attributes
    ----------
    panel : pandas.DataFrame
        ``sector, indicator, value``: one row per sector and indicator (``value`` NaN where
        the indicator is undefined, e.g. growth from a zero start).
    undefined : list of str
        Sectors with at least one undefined indicator (they cannot be ranked).
    ranked : pandas.DataFrame
        ``panel`` without the ``undefined`` sectors: the input of :func:`priority_scores`.
    """

    panel: pd.DataFrame
    undefined: list[str]
    ranked: pd.DataFrame

    def wide(self) -> pd.DataFrame:
        """Return one row per sector, one column per indicator (for a table)."""
        out = self.panel.pivot(index="sector", columns="indicator", values="value")
        out = out.reindex(columns=[i for i in SECTOR_INDICATORS if i in out.columns])
        out.columns.name = None
        return out.reset_index()


def sector_indicators(
    trade: pd.DataFrame,
    world_exports: pd.DataFrame,
    *,
    bloc: str,
    sector_map: pd.DataFrame,
    start_year: int,
    end_year: int,
    indicators: Sequence[str] = (
        "intra_bloc_share_pct",
        "intra_bloc_cagr_pct",
        "extra_bloc_hhi",
        "dependent_share_pct",
    ),
    as_of: str = "year_end",
) -> SectorIndicators:
    r"""Build the per-sector indicator panel a composite priority ranks.

    For bloc *B* and each sector *s* (its HS6 codes in ``sector_map``), measured in
    ``end_year`` unless stated:

    * ``intra_bloc_share_pct`` -- :math:`100\,M^{intra}_{s}/M_{s}`, the members' imports
      bought from other members (:func:`coopstats.localization.intra_bloc_shares`);
    * ``extra_bloc_share_pct`` -- :math:`100 - ` the above;
    * ``intra_bloc_cagr_pct`` -- compound annual growth of intra-bloc imports
      ``start_year`` -> ``end_year``, :math:`100\,((M^{intra}_{end}/M^{intra}_{start})^{1/n}-1)`
      (:func:`coopstats.growth.period_growth`);
    * ``extra_bloc_hhi`` -- HHI (0-1) of the suppliers outside the bloc
      (:func:`coopstats.localization.supplier_concentration`);
    * ``dependent_share_pct`` -- share of extra-bloc imports in products meeting the
      dependency criteria (:func:`coopstats.dependency.dependency_flags`, default
      thresholds).

    Parameters
    ----------
    trade
        Bilateral trade frame (``data/processed/trade.parquet`` rows of the sectors' codes).
    world_exports
        Every country's exports (``exports_by_country.parquet``) of the same codes, for the
        world concentration criterion of ``dependent_share_pct``.
    bloc, sector_map, as_of
        As in :mod:`coopstats.localization` (membership of each year by ``as_of``).
    start_year, end_year
        Growth window; levels are measured in ``end_year``.
    indicators
        Which of :data:`SECTOR_INDICATORS` to compute (default: the four of
        ``notebooks/04_sector_priority.ipynb``).

    Returns
    -------
    SectorIndicators
        ``panel`` (``sector, indicator, value``), ``undefined`` sectors and the ``ranked``
        rows; directions and kinds of the indicators are in :data:`INDICATORS`.

    Raises
    ------
    InvalidParameterError
        Unknown indicator, ``end_year`` without data, or the errors of the analyses called.

    References
    ----------
    European Commission (2021), SWD(2021) 352 (dependency criteria); OECD (2001) for CAGR;
    Hirschman (1964) for the HHI.
    """
    from . import dependency, growth, localization

    unknown = [i for i in indicators if i not in SECTOR_INDICATORS]
    if unknown or not indicators:
        raise InvalidParameterError("indicators", unknown or indicators, list(SECTOR_INDICATORS))
    scope = dict(bloc=bloc, sector_map=sector_map, include_total=False, as_of=as_of)
    parts: dict[str, pd.DataFrame] = {}
    want = set(indicators)
    if want & {"intra_bloc_share_pct", "extra_bloc_share_pct", "intra_bloc_cagr_pct"}:
        shares = localization.intra_bloc_shares(trade, **scope).bloc
        last = shares.loc[shares["year"] == end_year, ["sector", "intra_share_pct"]]
        if last.empty:
            raise InvalidParameterError(
                "end_year", end_year, sorted(shares["year"].unique()), why="no trade that year"
            )
        parts["intra_bloc_share_pct"] = last.rename(columns={"intra_share_pct": "value"})
        parts["extra_bloc_share_pct"] = last.assign(value=100.0 - last["intra_share_pct"])[
            ["sector", "value"]
        ]
        if "intra_bloc_cagr_pct" in want:
            momentum = growth.period_growth(
                shares, value_col="intra_imports_usd", by="sector", start=start_year, end=end_year
            )
            parts["intra_bloc_cagr_pct"] = momentum[["sector", "cagr_pct"]].rename(
                columns={"cagr_pct": "value"}
            )
    if "extra_bloc_hhi" in want:
        hhi = localization.supplier_concentration(trade, **scope)
        parts["extra_bloc_hhi"] = hhi.loc[hhi["year"] == end_year, ["sector", "hhi"]].rename(
            columns={"hhi": "value"}
        )
    if "dependent_share_pct" in want:
        deps = dependency.dependency_flags(trade, world_exports, **scope).by_year
        parts["dependent_share_pct"] = deps.loc[
            deps["year"] == end_year, ["sector", "dependent_share_pct"]
        ].rename(columns={"dependent_share_pct": "value"})
    panel = pd.concat(
        [parts[i].assign(indicator=i) for i in indicators], ignore_index=True
    )[["sector", "indicator", "value"]]
    panel["value"] = panel["value"].astype("float64")
    undefined = sorted(panel.loc[panel["value"].isna(), "sector"].unique())
    ranked = panel[~panel["sector"].isin(undefined)].reset_index(drop=True)
    return SectorIndicators(panel, undefined, ranked)


# ---------------------------------------------------------------------------------------
# tables of the sector-priority page
# ---------------------------------------------------------------------------------------


def member_eci(result: ComplexityResult, members: Sequence[str]) -> pd.DataFrame:
    """Return the ECI rows of ``members`` with their rank among all countries of the year.

    Parameters
    ----------
    result
        From :func:`complexity` (one or several years).
    members
        ISO3 codes to keep (e.g. :func:`coopstats.membership.members_in_year`).

    Returns
    -------
    pandas.DataFrame
        The columns of ``result.country`` plus ``eci_rank`` (``Int64``; 1 = the highest ECI
        of the year, ties share the lowest rank, ``method="min"``), rows of ``members`` only.
    """
    country = result.country
    keys = ["year"] if "year" in country.columns else []
    ranked = (
        country.groupby(keys, sort=False)["eci"] if keys else country["eci"]
    ).rank(ascending=False, method="min")
    out = country.assign(eci_rank=ranked.astype("Int64"))
    return out[out["country_iso3"].isin(list(members))]


def member_sector_rca(
    result: ComplexityResult, sector_map: pd.DataFrame, members: Sequence[str]
) -> pd.DataFrame:
    r"""Count the products with revealed comparative advantage per member and sector.

    .. math:: n_{cs} = \sum_{p \in s} M_{cp}

    Parameters
    ----------
    result
        From :func:`complexity`; ``result.country_product`` holds ``mcp`` (1 when RCA >= 1).
    sector_map
        ``hs6_code, sector``.
    members
        ISO3 codes shown as rows.

    Returns
    -------
    pandas.DataFrame
        ``country_iso3`` and one column per sector with :math:`n_{cs}`; a member without a
        product of a sector has ``NaN`` there.
    """
    in_sectors = result.country_product.merge(sector_map[["hs6_code", "sector"]], on="hs6_code")
    rows = in_sectors[in_sectors["country_iso3"].isin(list(members))]
    return rows.pivot_table(
        index="country_iso3", columns="sector", values="mcp", aggfunc="sum"
    ).reset_index()


def sector_pci(result: ComplexityResult, sector_map: pd.DataFrame) -> pd.DataFrame:
    """Return the mean product complexity (PCI) of each sector's products.

    Returns
    -------
    pandas.DataFrame
        ``sector, mean_pci, products`` (products of the sector with a PCI), sorted by sector.
    """
    return (
        result.product.merge(sector_map[["hs6_code", "sector"]], on="hs6_code")
        .groupby("sector", as_index=False)["pci"]
        .agg(mean_pci="mean", products="count")
    )


def contribution_table(contributions: pd.DataFrame) -> pd.DataFrame:
    """Pivot :func:`score_contributions` to one row per sector, one column per indicator.

    Returns
    -------
    pandas.DataFrame
        ``sector`` and one column per indicator holding its contribution to the score.
    """
    require_columns(contributions, ("sector", "indicator", "contribution"), name="contributions")
    return contributions.pivot(
        index="sector", columns="indicator", values="contribution"
    ).reset_index()
