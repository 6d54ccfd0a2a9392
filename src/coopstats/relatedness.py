r"""Relatedness and opportunity: product space, density, COI/COG, OEC variants, trade intensity.

Which new products could a country or a bloc develop from what it already exports? The
product-space literature answers with the *proximity* of two products (how often countries
export both competitively), the *density* of a country around a product (how much of the
product's neighbourhood it already has) and, weighting by product complexity, the
*complexity outlook* (COI, COG).

=================================  ==========================================================
function                           what it computes
=================================  ==========================================================
:func:`product_space`              proximity, density, COI and COG (Growth Lab convention,
                                   identical to py-ecomplexity 0.5.3)
:func:`oec_relatedness`            the OEC's relatedness and opportunity gain (Datawheel
                                   ``economic-complexity``): where they differ, named
:func:`trade_intensity`            WITS trade intensity index of exporter–importer pairs
:func:`opportunity_products`       a bloc's products without comparative advantage in given
                                   sectors, ranked by density (feasibility) and COG (gain)
=================================  ==========================================================

Conventions
-----------
*Growth Lab* (``py-ecomplexity`` / Stata ``ecomplexity``): proximity
:math:`\phi_{pp'} = \sum_c M_{cp}M_{cp'} / \max(k_{p,0}, k_{p',0})` with diagonal 1, so a
product counts in its own density; COI is standardised (population sd); COG uses the
un-centred PCI eigenvector divided by the sd of the un-centred ECI eigenvector; ECI/PCI from
:func:`coopstats.priority.complexity` with ``method="eigenvector"``.

*OEC* (Datawheel ``economic-complexity``, ``product_space.py``): the same proximity but with a
**zero diagonal**; relatedness is density on that matrix; opportunity gain normalises
proximity by the *target* product's column sum and subtracts the relatedness-weighted PCI
of the product itself, with no :math:`(1-M_{cp})` factor; PCI from the method of
reflections, standardised with its own mean and sample sd.

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
conditions the development of nations. *Science*, 317(5837), 482–487. Hausmann, R.,
Hidalgo, C. A., et al. (2014). *The Atlas of Economic Complexity*. MIT Press (COI, COG).
Hidalgo, C. A., et al. (2018). The principle of relatedness. *Springer Proceedings in
Complexity*, 451–457. py-ecomplexity 0.5.3 (``calc_proximity``, ``calc_density``,
``coicog``). WITS, "Trade Indicators" help (trade intensity). Brown, A. J. (1949) and
Kojima, K. (1964) for the trade intensity index.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .checks import require_columns, require_no_nan
from .complexity import top_countries
from .errors import CoopstatsWarning, InvalidParameterError
from .priority import complexity

__all__ = [
    "ProductSpaceResult",
    "product_space",
    "oec_relatedness",
    "trade_intensity",
    "opportunity_products",
    "opportunities_statement",
    "widest_dataset",
    "CONVENTIONS",
]

#: Names of the relatedness conventions, as stated in results.
CONVENTIONS = {
    "growth_lab": (
        "Growth Lab (py-ecomplexity 0.5.3): proximity = minimum conditional probability with "
        "diagonal 1; density_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'; COI = standardised "
        "sum_p density_cp (1 - M_cp) PCI_p; COG_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_p'p "
        "PCI_p' / sum_k phi_p'k on the un-centred eigenvector scale"
    ),
    "oec": (
        "OEC (Datawheel economic-complexity): proximity with zero diagonal; relatedness = "
        "density on it; opportunity gain_cp = sum_p' (1 - M_cp') PCI_p' phi_p'p / sum_k "
        "phi_kp - relatedness_cp PCI_p; PCI by {pci_method}"
    ),
}


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def _require_frame(frame: object, columns: Sequence[str], name: str) -> pd.DataFrame:
    require_columns(frame, columns, name=name)
    if frame.empty:
        raise InvalidParameterError(name, "an empty frame", "a frame with rows")
    require_no_nan(frame, columns, name=name)
    return frame


def _iso3_list(name: str, value: Sequence[str] | str) -> list[str]:
    vals = [value] if isinstance(value, str) else list(value) if value is not None else []
    if not vals or not all(isinstance(v, str) and len(v) == 3 and v.isupper() for v in vals):
        raise InvalidParameterError(name, value, "one or more ISO3 codes, e.g. ['BLR', 'RUS']")
    return sorted(set(vals))


# ---------------------------------------------------------------------------------------
# product space (Growth Lab)
# ---------------------------------------------------------------------------------------


def _mcp_matrix(
    cpy: pd.DataFrame,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """One year of ``complexity().country_product``, sorted, its countries, products and M_cp.

    That frame is a full country x product rectangle, so sorting by country then product and
    reshaping gives the matrix; the sorted frame is returned so that flattened results align.
    """
    countries = np.sort(cpy["country_iso3"].unique())
    products = np.sort(cpy["hs6_code"].unique())
    cpy = cpy.sort_values(["country_iso3", "hs6_code"])
    m = cpy["mcp"].to_numpy(float).reshape(len(countries), len(products))
    return cpy, countries, products, m


def _proximity_matrix(mcp: np.ndarray) -> np.ndarray:
    """phi_pp' = sum_c M_cp M_cp' / max(k_p, k_p') (py-ecomplexity order of operations)."""
    ubiquity = mcp.sum(axis=0)
    phi = (mcp.T @ mcp) / ubiquity[None, :]
    return np.minimum(phi, phi.T)


def _density(mcp: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """density_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'."""
    return mcp @ (phi.T / phi.sum(axis=1)[None, :])


@dataclass(frozen=True)
class ProductSpaceResult:
    """Proximity, density, COI and COG (see :func:`product_space`).

    Attributes
    ----------
    country_product : pandas.DataFrame
        ``year, country_iso3, hs6_code, value_usd, rca, mcp, pci, density, cog``.
    country : pandas.DataFrame
        ``year, country_iso3, diversity, eci, coi``.
    product : pandas.DataFrame
        ``year, hs6_code, ubiquity, pci``.
    proximity : dict
        ``{year: DataFrame}``, square proximity matrix labelled by HS6 code (products with
        positive ubiquity).
    convention : str
        The convention in words.
    params : dict
        ``threshold``.
    """

    country_product: pd.DataFrame
    country: pd.DataFrame
    product: pd.DataFrame
    proximity: dict
    convention: str
    params: dict = field(default_factory=dict)

    def proximity_pairs(self, *, min_proximity: float = 0.0) -> pd.DataFrame:
        """Long ``year, hs6_code, other_hs6_code, proximity`` of distinct pairs (``a < b``).

        Parameters
        ----------
        min_proximity
            Keep pairs with proximity strictly above this value (0 drops unrelated pairs).
        """
        parts = []
        for year, mat in sorted(self.proximity.items()):
            codes = mat.index.to_numpy()
            iu, ju = np.triu_indices(len(codes), k=1)
            vals = mat.to_numpy()[iu, ju]
            keep = vals > min_proximity
            parts.append(
                pd.DataFrame(
                    {
                        "year": np.int64(year),
                        "hs6_code": codes[iu[keep]],
                        "other_hs6_code": codes[ju[keep]],
                        "proximity": vals[keep],
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def tidy(self) -> pd.DataFrame:
        """Country–product measures in one long frame.

        Columns ``year, country_iso3, hs6_code, mcp, density, cog, pci`` plus the country's
        ``eci`` and ``coi``, sorted by year, country, product.
        """
        out = self.country_product.merge(
            self.country[["year", "country_iso3", "eci", "coi"]], on=["year", "country_iso3"]
        )
        cols = ["year", "country_iso3", "hs6_code", "mcp", "density", "cog", "pci", "eci", "coi"]
        return out[cols].sort_values(cols[:3]).reset_index(drop=True)

    def summary(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` highest-COI countries of the latest year.

        Returns
        -------
        pandas.DataFrame
            ``year, country_iso3, diversity, eci, coi``.
        """
        return top_countries(self.country, "coi", n)


def product_space(exports: pd.DataFrame, *, threshold: float = 1.0) -> ProductSpaceResult:
    r"""Proximity, density, complexity outlook index (COI) and gain (COG), Growth Lab convention.

    With :math:`M_{cp}` the presence (RCA :math:`\ge` ``threshold``) of
    :func:`coopstats.priority.rca`, ubiquity :math:`k_{p,0}=\sum_c M_{cp}` and the Growth Lab
    ECI/PCI of :func:`coopstats.priority.complexity`:

    .. math::

        \phi_{pp'} = \frac{\sum_c M_{cp} M_{cp'}}{\max(k_{p,0}, k_{p',0})}, \qquad
        d_{cp} = \frac{\sum_{p'} M_{cp'} \phi_{pp'}}{\sum_{p'} \phi_{pp'}}

        COI_c = z\Big(\sum_p d_{cp} (1 - M_{cp})\, \tilde k_p\Big), \qquad
        COG_{cp} = (1 - M_{cp}) \sum_{p'} (1 - M_{cp'})
                   \frac{\phi_{p'p}}{\sum_{k} \phi_{p'k}}\, \tilde k_{p'}

    where :math:`\tilde k_p = k_p / \sigma(k_c)` is the un-centred PCI eigenvector over the
    population sd of the un-centred ECI eigenvector (so that
    :math:`PCI_p = \tilde k_p - \overline{k_c}/\sigma(k_c)`), and :math:`z` standardises
    across countries with the population sd. :math:`\tilde k` is recovered from PCI exactly:
    the eigenvector is orthogonal to the ubiquity vector (the left eigenvector of eigenvalue 1),
    so :math:`\tilde k_p = PCI_p - \sum_{p'} k_{p',0} PCI_{p'} / \sum_{p'} k_{p',0}`.

    Density is high when the country already exports, with comparative advantage, the
    products that are usually co-exported with *p* (a feasibility measure); COG is how much
    the country's outlook would improve by adding *p* (a strategic value measure); COI is
    how many complex products lie close to what the country makes.

    Computed per year. With ``threshold=1`` every product with exports has a country with
    RCA >= 1 and every exporting country has such a product; with a higher threshold,
    countries with zero diversity and products with zero ubiquity get ``NaN`` and are left
    out (a :class:`~coopstats.errors.CoopstatsWarning` from :func:`complexity` says so).

    Parameters
    ----------
    exports
        ``year, exporter_iso3`` (or ``country_iso3``), ``hs6_code, value_usd`` (a bilateral
        frame is summed over importers).
    threshold
        RCA cut-off for :math:`M_{cp}` (1).

    Returns
    -------
    ProductSpaceResult
        ``country_product`` (``year, country_iso3, hs6_code, value_usd, rca, mcp, pci,
        density, cog``), ``country`` (``year, country_iso3, diversity, eci, coi``),
        ``product`` (``year, hs6_code, ubiquity, pci``), ``proximity`` (per-year matrices).

    Raises
    ------
    InvalidParameterError
        As :func:`coopstats.priority.complexity` (malformed frame, bad threshold, fewer than
        three countries with presence).

    References
    ----------
    Hidalgo et al. (2007) *Science* 317: 482; Hausmann et al. (2014) *The Atlas of Economic
    Complexity*; py-ecomplexity 0.5.3 ``calc_discrete_proximity``, ``calc_density``,
    ``calc_coi_cog`` (identical results, tested to 1e-6).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"year": 2020, "exporter_iso3": list("AAABBC"),
    ...     "hs6_code": ["000001", "000002", "000003", "000001", "000002", "000001"],
    ...     "value_usd": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
    >>> ps = product_space(x)
    >>> ps.proximity[2020].round(3).to_numpy().tolist()
    [[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]]
    """
    res = complexity(exports, method="eigenvector", threshold=threshold)
    cp_parts, c_parts, prox = [], [], {}
    for year, cpy in res.country_product.groupby("year", sort=True):
        cpy, countries, products, mcp_all = _mcp_matrix(cpy)
        cy = res.country[res.country["year"] == year].set_index("country_iso3").loc[countries]
        py = res.product[res.product["year"] == year].set_index("hs6_code").loc[products]
        okc = cy["eci"].notna().to_numpy()
        okp = py["pci"].notna().to_numpy()
        m = mcp_all[okc][:, okp]
        pci = py["pci"].to_numpy()[okp]
        ubi = py["ubiquity"].to_numpy(float)[okp]
        k_tilde = pci - (ubi * pci).sum() / ubi.sum()

        phi = _proximity_matrix(m)
        dens = _density(m, phi)
        coi_raw = (dens * (1.0 - m) * k_tilde[None, :]).sum(axis=1)
        coi = (coi_raw - coi_raw.mean()) / coi_raw.std()
        cog = (1.0 - m) * ((1.0 - m) @ (phi * (k_tilde / phi.sum(axis=1))[:, None])) + 0.0

        full_d = np.full(mcp_all.shape, np.nan)
        full_g = np.full(mcp_all.shape, np.nan)
        idx = np.ix_(np.flatnonzero(okc), np.flatnonzero(okp))
        full_d[idx], full_g[idx] = dens, cog
        pci_full = py["pci"].to_numpy()
        cp_parts.append(
            cpy[["year", "country_iso3", "hs6_code", "value_usd", "rca", "mcp"]].assign(
                pci=np.tile(pci_full, len(countries)),
                density=full_d.ravel(),
                cog=full_g.ravel(),
            )
        )
        coi_full = np.full(len(countries), np.nan)
        coi_full[okc] = coi
        c_parts.append(
            cy.reset_index()[["year", "country_iso3", "diversity", "eci"]].assign(coi=coi_full)
        )
        prox[int(year)] = pd.DataFrame(phi, index=products[okp], columns=products[okp])
    return ProductSpaceResult(
        country_product=pd.concat(cp_parts, ignore_index=True),
        country=pd.concat(c_parts, ignore_index=True),
        product=res.product.copy(),
        proximity=prox,
        convention=CONVENTIONS["growth_lab"],
        params={"threshold": float(threshold)},
    )


# ---------------------------------------------------------------------------------------
# OEC relatedness and opportunity gain
# ---------------------------------------------------------------------------------------


def oec_relatedness(
    exports: pd.DataFrame,
    *,
    threshold: float = 1.0,
    pci_method: Literal["reflections", "eigenvector"] = "reflections",
    iterations: int = 20,
) -> pd.DataFrame:
    r"""OEC relatedness and opportunity gain (Datawheel ``economic-complexity`` conventions).

    .. math::

        \phi^{OEC}_{pp'} = \phi_{pp'}\,1[p \ne p'], \qquad
        R_{cp} = \frac{\sum_{p'} M_{cp'} \phi^{OEC}_{p'p}}{\sum_{p'} \phi^{OEC}_{p'p}}

        OG_{cp} = \sum_{p'} (1 - M_{cp'})\, PCI_{p'}
                  \frac{\phi^{OEC}_{p'p}}{\sum_{k} \phi^{OEC}_{kp}} - R_{cp}\, PCI_p

    How they differ from :func:`product_space`: (1) the proximity diagonal is 0, so a
    product does not count towards its own relatedness (the Growth Lab density includes it;
    harvard-growth-lab/py-ecomplexity#38); (2) opportunity gain normalises by the target
    product's proximity sum and subtracts :math:`R_{cp} PCI_p`, where COG normalises by each
    neighbour's sum, has the :math:`(1-M_{cp})` factor and works on the eigenvector scale;
    (3) PCI is the OEC's (method of reflections, own mean and sample sd) unless
    ``pci_method="eigenvector"``.

    Products without any co-exporting neighbour (a zero proximity column) get ``NaN``
    relatedness and opportunity gain.

    Parameters
    ----------
    exports
        As :func:`coopstats.priority.rca`.
    threshold
        RCA cut-off for :math:`M_{cp}` (1).
    pci_method
        ``"reflections"`` (OEC) or ``"eigenvector"`` (Growth Lab standardised PCI).
    iterations
        Reflections for ``pci_method="reflections"`` (OEC: 20).

    Returns
    -------
    pandas.DataFrame
        ``year, country_iso3, hs6_code, mcp, pci, relatedness, opportunity_gain``, sorted.

    Raises
    ------
    InvalidParameterError
        Unknown ``pci_method`` or anything :func:`coopstats.priority.complexity` refuses.

    References
    ----------
    Hidalgo et al. (2018), "The principle of relatedness"; Datawheel
    ``economic-complexity`` 0.3 (``product_space.relatedness``, ``opportunity_gain``);
    oec.world "Relatedness" and "Opportunity gain" definitions.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"year": 2020, "exporter_iso3": list("AAABBC"),
    ...     "hs6_code": ["000001", "000002", "000003", "000001", "000002", "000001"],
    ...     "value_usd": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
    >>> oec_relatedness(x, pci_method="eigenvector")["relatedness"].round(3).tolist()
    [1.0, 0.5, 1.0, 1.0, 0.5, 1.0, 0.0, 0.5, 0.0]
    """
    if pci_method not in ("reflections", "eigenvector"):
        raise InvalidParameterError("pci_method", pci_method, ["reflections", "eigenvector"])
    res = complexity(exports, method=pci_method, threshold=threshold, iterations=iterations)
    parts = []
    for year, cpy in res.country_product.groupby("year", sort=True):
        cpy, countries, products, m = _mcp_matrix(cpy)
        py = res.product[res.product["year"] == year].set_index("hs6_code").loc[products]
        pci = py["pci"].to_numpy()
        ubi = m.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            phi = (m.T @ m) / np.maximum(ubi[None, :], ubi[:, None])
            phi = np.nan_to_num(phi, nan=0.0)
            np.fill_diagonal(phi, 0.0)
            col = phi.sum(axis=0)
            rel = (m @ phi) / col[None, :]
            pci0 = np.nan_to_num(pci, nan=0.0)
            og = ((1.0 - m) * pci0[None, :]) @ (phi / col[None, :]) - rel * pci[None, :]
        parts.append(
            cpy[["year", "country_iso3", "hs6_code", "mcp"]].assign(
                pci=np.tile(pci, len(countries)),
                relatedness=rel.ravel(),
                opportunity_gain=og.ravel(),
            )
        )
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------
# trade intensity (WITS)
# ---------------------------------------------------------------------------------------


def trade_intensity(
    trade: pd.DataFrame,
    *,
    exporters: Sequence[str] | str,
    importers: Sequence[str] | str,
) -> pd.DataFrame:
    r"""WITS trade intensity index of each exporter–importer pair, per year.

    .. math:: TII_{ij} = \frac{x_{ij} / X_i}{x_{wj} / X_w}

    with :math:`x_{ij}` exports of *i* to *j*, :math:`X_i` total exports of *i*,
    :math:`x_{wj}` world exports to *j* and :math:`X_w` world exports, all summed over the
    products and flows in ``trade`` (filter the frame to a sector for a sector index). A
    value above 1 means *i* sends a larger share of its exports to *j* than the world does.

    Parameters
    ----------
    trade
        Canonical trade frame ``year, exporter_iso3, importer_iso3, hs6_code, value_usd``
        covering the world (the denominators are taken from it).
    exporters, importers
        ISO3 codes.

    Returns
    -------
    pandas.DataFrame
        ``year, exporter_iso3, importer_iso3, value_usd, trade_intensity`` for every ordered
        pair ``exporter != importer``; ``value_usd`` is :math:`x_{ij}`; ``NaN`` when *i*
        exported nothing that year.

    Raises
    ------
    InvalidParameterError
        Missing columns or values, negative values, mixed datasets, empty lists.

    References
    ----------
    WITS, "Trade Indicators" help: trade intensity. Brown, A. J. (1949). *Applied Economics:
    Aspects of the World Economy in War and Peace*; Kojima, K. (1964). The pattern of
    international trade among advanced countries. *Hitotsubashi J. Econ.*, 5(1), 16–36.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["AAA", "AAA", "BBB"],
    ...                   "importer_iso3": ["BBB", "CCC", "CCC"],
    ...                   "hs6_code": "000001", "value_usd": [1.0, 3.0, 4.0]})
    >>> trade_intensity(t, exporters="AAA", importers="BBB")["trade_intensity"].tolist()
    [2.0]
    """
    cols = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    _require_frame(trade, cols, "trade")
    if (trade["value_usd"] < 0).any():
        raise InvalidParameterError("trade", "negative value_usd", "value_usd >= 0")
    for c in ("dataset", "flow_basis"):
        if c in trade.columns and trade[c].nunique(dropna=False) > 1:
            raise InvalidParameterError(
                "trade",
                f"column {c!r} mixes {sorted(map(str, trade[c].unique()))}",
                f"a single {c}",
                why="values on different bases are never added silently",
            )
    ex = _iso3_list("exporters", exporters)
    im = _iso3_list("importers", importers)
    t = trade[cols].astype({"year": "int64"})
    xi = t.groupby(["year", "exporter_iso3"])["value_usd"].sum()
    mj = t.groupby(["year", "importer_iso3"])["value_usd"].sum()
    xw = t.groupby("year")["value_usd"].sum()
    xij = t.groupby(["year", "exporter_iso3", "importer_iso3"])["value_usd"].sum()
    years = sorted(t["year"].unique())
    grid = pd.MultiIndex.from_tuples(
        [(y, i, j) for y in years for i in ex for j in im if i != j],
        names=["year", "exporter_iso3", "importer_iso3"],
    )
    out = pd.DataFrame(index=grid).reset_index()
    out["value_usd"] = xij.reindex(grid, fill_value=0.0).to_numpy()
    x_i = xi.reindex(pd.MultiIndex.from_arrays([out["year"], out["exporter_iso3"]])).to_numpy()
    m_j = mj.reindex(pd.MultiIndex.from_arrays([out["year"], out["importer_iso3"]])).to_numpy()
    x_w = xw.reindex(out["year"]).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        tii = (out["value_usd"].to_numpy() / x_i) / (m_j / x_w)
    out["trade_intensity"] = tii
    return out


# ---------------------------------------------------------------------------------------
# a bloc's opportunity products
# ---------------------------------------------------------------------------------------


def opportunity_products(
    exports: pd.DataFrame,
    *,
    countries: Sequence[str] | str,
    sector_map: pd.DataFrame,
    sectors: Sequence[str] | str | None = None,
    year: int | None = None,
    threshold: float = 1.0,
    top_n: int | None = 10,
    dataset: str | None = None,
) -> pd.DataFrame:
    r"""Rank a bloc's products without comparative advantage as opportunities.

    The bloc is treated as one exporter: its RCA in product *p* is
    :math:`RCA_{Bp} = (X_{Bp}/X_B) / (X_p/X)` with :math:`X_{Bp} = \sum_{c \in B} X_{cp}`,
    and :math:`M_{Bp} = 1[RCA_{Bp} \ge threshold]`. Proximity and PCI come from the
    country-level world (:func:`product_space`, Growth Lab convention), and the bloc's density
    and COG use its :math:`M_{Bp}` in the formulas of :func:`product_space`:

    .. math::

        d_{Bp} = \frac{\sum_{p'} M_{Bp'} \phi_{pp'}}{\sum_{p'} \phi_{pp'}}, \qquad
        COG_{Bp} = (1 - M_{Bp}) \sum_{p'} (1 - M_{Bp'})
                   \frac{\phi_{p'p}}{\sum_k \phi_{p'k}} \tilde k_{p'}

    Opportunities are products of the given sectors with :math:`M_{Bp} = 0`, ranked within
    each sector by density (closest to what the bloc already makes) and, for ties, COG.
    ``n_members_rca`` says how many members already export the product with RCA >= the
    threshold on their own (capabilities present somewhere in the bloc).

    Parameters
    ----------
    exports
        Every country's exports (``year, exporter_iso3, hs6_code, value_usd``), the world.
    countries
        The bloc's members, e.g. ``coopstats.membership.members_in_year("EAEU", 2023)``.
    sector_map
        ``hs6_code, sector`` (e.g. :func:`coopstats.hs_sectors.sector_map`).
    sectors
        Sectors to report (default: every sector of ``sector_map``).
    year
        Year to use (default: the latest in ``exports``).
    threshold
        RCA cut-off (1).
    top_n
        Products kept per sector (``None``: all).
    dataset
        Keep only the rows of this ``dataset`` (``None``: the frame must hold one dataset;
        see :func:`widest_dataset` for a frame that mixes a partial real extract with a
        complete panel).

    Returns
    -------
    pandas.DataFrame
        ``year, sector, rank, hs6_code, exports_usd, rca, density, cog, pci,
        n_members_rca``; ``exports_usd`` is the bloc's exports of the product.

    Raises
    ------
    InvalidParameterError
        Unknown sector, a year without data, no member in the data, bad ``top_n``.

    References
    ----------
    Hausmann et al. (2014) *The Atlas of Economic Complexity*, "Complexity outlook" and
    the Atlas "product feasibility" view (density against COG); Hidalgo et al. (2007).
    """
    members = _iso3_list("countries", countries)
    _require_frame(sector_map, ["hs6_code", "sector"], "sector_map")
    known = sorted(sector_map["sector"].unique())
    if sectors is None:
        wanted = known
    else:
        wanted = [sectors] if isinstance(sectors, str) else list(sectors)
        bad = [s for s in wanted if s not in known]
        if bad:
            raise InvalidParameterError("sectors", bad, known)
    if top_n is not None and (
        isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1
    ):
        raise InvalidParameterError("top_n", top_n, "a positive integer or None")
    who = "exporter_iso3" if "exporter_iso3" in exports.columns else "country_iso3"
    _require_frame(exports, ["year", who, "hs6_code", "value_usd"], "exports")
    if dataset is not None:
        if "dataset" not in exports.columns or dataset not in set(exports["dataset"]):
            have = sorted(map(str, exports["dataset"].unique())) if "dataset" in exports else []
            raise InvalidParameterError("dataset", dataset, have)
        exports = exports[exports["dataset"] == dataset]
    years = sorted(int(y) for y in exports["year"].unique())
    if year is None:
        year = years[-1]
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or year not in years:
        raise InvalidParameterError("year", year, f"a year with data: {years}")
    ps = product_space(exports[exports["year"] == year], threshold=threshold)
    cp = ps.country_product
    present = sorted(set(members) & set(cp["country_iso3"]))
    if not present:
        raise InvalidParameterError(
            "countries", members, "at least one country with exports in that year"
        )
    phi = ps.proximity[int(year)]
    codes = phi.index.to_numpy()
    wide = cp.pivot(index="country_iso3", columns="hs6_code", values="value_usd")[codes]
    xb = wide.loc[present].sum(axis=0).to_numpy()
    xp = wide.sum(axis=0).to_numpy()
    rca_b = (xb / xb.sum()) / (xp / xp.sum())
    mb = (rca_b >= threshold).astype(float)
    prod = ps.product[ps.product["year"] == year].set_index("hs6_code").loc[codes]
    pci = prod["pci"].to_numpy()
    ubi = prod["ubiquity"].to_numpy(float)
    k_tilde = pci - (ubi * pci).sum() / ubi.sum()
    p = phi.to_numpy()
    dens = (p @ mb) / p.sum(axis=1)
    cog = (1.0 - mb) * ((1.0 - mb) @ (p * (k_tilde / p.sum(axis=1))[:, None]))
    n_rca = cp[cp["country_iso3"].isin(present)].groupby("hs6_code")["mcp"].sum().reindex(codes)
    frame = pd.DataFrame(
        {
            "hs6_code": codes,
            "exports_usd": xb,
            "rca": rca_b,
            "mcp": mb.astype("int64"),
            "density": dens,
            "cog": cog,
            "pci": pci,
            "n_members_rca": n_rca.to_numpy().astype("int64"),
        }
    )
    smap = sector_map.loc[sector_map["sector"].isin(wanted), ["hs6_code", "sector"]]
    out = frame[frame["mcp"] == 0].merge(smap.drop_duplicates(), on="hs6_code")
    missing = sorted(set(wanted) - set(out["sector"]))
    if missing:
        warnings.warn(
            f"no opportunity product in {missing} (no product of the sector in the data for "
            f"{year}, or the bloc already has RCA >= {threshold} in all of them)",
            CoopstatsWarning,
            stacklevel=2,
        )
    out = out.sort_values(
        ["sector", "density", "cog", "hs6_code"], ascending=[True, False, False, True]
    )
    out["rank"] = out.groupby("sector").cumcount().add(1).astype("int64")
    if top_n is not None:
        out = out[out["rank"] <= top_n]
    out.insert(0, "year", np.int64(year))
    cols = [
        "year",
        "sector",
        "rank",
        "hs6_code",
        "exports_usd",
        "rca",
        "density",
        "cog",
        "pci",
        "n_members_rca",
    ]
    return out[cols].reset_index(drop=True)


def widest_dataset(exports: pd.DataFrame) -> str:
    """Return the ``dataset`` of ``exports`` that covers the most HS6 products (ties: by name).

    Product-space measures need every product of the world; when a frame mixes a real
    extract of a few products with a complete panel, the complete one is the coherent choice.
    """
    _require_frame(exports, ["dataset", "hs6_code"], "exports")
    n = exports.groupby("dataset")["hs6_code"].nunique()
    return str(sorted(n.index, key=lambda d: (-n[d], str(d)))[0])


def opportunities_statement(opportunities: pd.DataFrame, *, bloc: str, language: str = "en") -> str:
    """Say, per sector, which opportunity products rank first and how close they are (markdown).

    Parameters
    ----------
    opportunities
        Output of :func:`opportunity_products`.
    bloc
        The bloc's name as shown on the page.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        One line per sector with the top product, its density and COG and how many members
        already export it with RCA >= 1; every number is read from ``opportunities``.
    """
    if language not in ("en", "ru"):
        raise InvalidParameterError("language", language, ["en", "ru"])
    _require_frame(
        opportunities, ["year", "sector", "rank", "hs6_code", "density", "cog", "n_members_rca"],
        "opportunities",
    )  # fmt: skip
    lines = []
    for sector, g in opportunities.sort_values(["sector", "rank"]).groupby("sector", sort=True):
        top = g.iloc[0]
        d, c, n = float(top["density"]), float(top["cog"]), int(top["n_members_rca"])
        if language == "en":
            lines.append(
                f"- **{sector}** ({int(top['year'])}): {len(g)} product(s) listed; the closest to "
                f"what {bloc} already exports is HS {top['hs6_code']} (density {d:.3f}, COG "
                f"{c:+.3f}); {n} member(s) already export it with RCA >= 1."
            )
        else:
            lines.append(
                f"- **{sector}** ({int(top['year'])}): товаров в списке — {len(g)}; ближе всего к "
                f"экспорту {bloc} товар ТН ВЭД {top['hs6_code']} (плотность "
                f"{d:.3f}".replace(".", ",")
                + f", COG {c:+.3f}".replace(".", ",")
                + f"); членов, уже экспортирующих его с RCA >= 1: {n}."
            )
    return "\n".join(lines)
