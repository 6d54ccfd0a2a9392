"""SYNTHETIC DEMONSTRATION DATA: a deterministic trade panel for machines without BACI.

:func:`demo_panel` generates a canonical trade frame (:data:`coopstats.schemas.TRADE`) on
the **real** country list (the BACI V202201 dictionary, mapped to ISO3 by
:func:`coopstats.geo.baci_to_iso3`) and **real** HS17 codes (every code of the coopstats
focus sectors, :func:`coopstats.hs_sectors.sector_table`, plus a seeded sample of other codes of the
BACI product dictionary). Every row has ``dataset = "SYNTHETIC_DEMO"``; reports built from it
must say "SYNTHETIC DEMONSTRATION DATA" (``coopstats data build`` writes
``synthetic: true`` into ``manifest.json``).

Nothing in it is an observation. The generator is a gravity-like toy, chosen so that the
analyses have something plausible to chew on:

* country size ``m_c = (population_c / 10^6)^0.7 * h_c * lognormal(0, 0.6)`` with the World
  Bank population (``SP.POP.TOTL``, read from ``data/raw/wdi/`` when present; countries without
  a figure, or every country when the file is absent, get ``lognormal(0, 1.5)``) and an income
  factor ``h_c = 5`` for the high-income economies of :data:`HIGH_INCOME` (1 otherwise);
  positions on a unit square, with the post-Soviet countries clustered (short "distances"
  inside the blocs);
* exporter capability ``a_cp ~ lognormal(0, 1)`` for a product set of size growing with ``m_c``;
* exports ``X_cpy = 10^6 * m_c * a_cp * g_cy``, ``g_cy`` a random walk with 3 % drift;
* importers: each exporter sells to a fixed partner set drawn with probability proportional
  to ``m_d / (0.05 + dist_cd)`` (gravity), plus each post-Soviet market with probability
  ``min(0.6, 0.05 + 0.1 log(1 + m_d))``; shares proportional to the gravity term with
  lognormal noise;
* a 2022 break for Russia: imports from the countries that imposed sanctions in 2022 fall to
  35 % (2022) and 25 % (2023 on) of trend, imports from China, Turkey, the UAE, India, Kazakhstan,
  Kyrgyzstan, Armenia and Belarus rise by 30 %; Russian exports to the sanctioning countries
  fall to 50 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError, MissingDataError
from ..schemas import TRADE

__all__ = [
    "demo_panel",
    "demo_countries",
    "demo_products",
    "DEMO_DATASET",
    "DEMO_LABEL",
    "SANCTIONING_2022",
    "HIGH_INCOME",
]

#: ``dataset`` of every synthetic row (reports detect synthetic inputs by it).
DEMO_DATASET = "SYNTHETIC_DEMO"
#: The one label of synthetic data on figures, pages and the index
#: (:data:`coopstats.plots.SYNTHETIC_LABEL`, :data:`coopstats.provenance.SYNTHETIC_BANNER`).
DEMO_LABEL = "SYNTHETIC DEMONSTRATION DATA"

#: Countries whose 2022 sanctions the toy break models (EU27 and the G7 allies that joined).
SANCTIONING_2022 = (
    "AUT",
    "BEL",
    "BGR",
    "HRV",
    "CYP",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IRL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
    "USA",
    "GBR",
    "JPN",
    "KOR",
    "CAN",
    "AUS",
    "NZL",
    "CHE",
    "NOR",
    "ISL",
    "SGP",
)
#: Economies given the income factor 5 in the toy sizes (the sanctioning group plus other
#: high-income economies of the World Bank classification).
HIGH_INCOME = SANCTIONING_2022 + (
    "ARE",
    "SAU",
    "QAT",
    "KWT",
    "ISR",
    "HKG",
    "MAC",
    "BHR",
    "OMN",
    "BRN",
)
_REDIRECT_2022 = ("CHN", "TUR", "ARE", "IND", "KAZ", "KGZ", "ARM", "BLR")
#: EAEU members (customs union since 2015); always trading partners in the demo panel.
_EAEU_CORE = ("ARM", "BLR", "KAZ", "KGZ", "RUS")
_POST_SOVIET = ("RUS", "BLR", "KAZ", "ARM", "KGZ", "TJK", "UZB", "AZE", "MDA", "UKR", "GEO", "TKM")
#: BACI codes of historic or grouped entries that are not current countries.
_NOT_CURRENT = (58, 200, 278, 280, 530, 711, 736, 810, 891)


def _dictionary(dictionaries: str | Path | None, name: str) -> Path:
    from ..config import raw_dir

    folder = Path(dictionaries) if dictionaries is not None else raw_dir() / "baci"
    path = folder / name
    if not path.is_file():
        raise MissingDataError(
            name,
            where=folder,
            how="it ships in data/raw/baci/ of the repository; "
            "pass dictionaries= to use another folder",
        )
    return path


def _population_millions(wdi: str | Path | None) -> pd.Series:
    """Latest World Bank population per ISO3 in millions (empty when the file is absent)."""
    from ..config import raw_dir

    path = (Path(wdi) if wdi is not None else raw_dir() / "wdi") / "SP.POP.TOTL.csv"
    if not path.is_file():
        return pd.Series(dtype="float64")
    from .wdi import read_wdi

    frame = read_wdi(path).kept
    frame = frame[frame["indicator"] == "SP.POP.TOTL"].sort_values(["country_iso3", "year"])
    latest = frame.groupby("country_iso3")["value"].last()
    return latest.astype("float64") / 1e6


def demo_countries(*, dictionaries: str | Path | None = None) -> list[str]:
    """Return the current countries of the BACI V202201 dictionary as sorted ISO3.

    Historic entries (USSR, Czechoslovakia, ...) and 'nes' areas are left out.
    """
    from .baci import iso3_codes, read_country_codes

    codes = read_country_codes(_dictionary(dictionaries, "country_codes_V202201.csv"))[
        "baci_code"
    ].tolist()
    codes = [c for c in codes if c not in _NOT_CURRENT]
    mapping = iso3_codes(codes, version="202201")
    return sorted({iso for iso in mapping.values() if iso is not None})


def demo_products(
    *, seed: int = 20240101, n_other: int = 60, dictionaries: str | Path | None = None
) -> pd.DataFrame:
    """HS17 codes of the demo panel: all focus-sector codes plus ``n_other`` seeded others.

    Returns
    -------
    pandas.DataFrame
        ``hs6_code, is_focus`` sorted by code.
    """
    from ..hs_sectors import sector_table
    from .baci import read_product_codes

    listed = read_product_codes(_dictionary(dictionaries, "product_codes_HS17_V202201.csv"))[
        "hs6_code"
    ]
    table = sector_table()
    # the project's own sectors and the CHPL; the OECD high-technology groups (several hundred
    # codes, derived through SITC) would double the panel without adding a demonstrated question
    own = (table["hs_revision"] == "HS17") & table["taxonomy"].isin(("coopstats", "CHPL"))
    focus = set(table.loc[own, "hs6_code"].astype(str)) & set(listed)
    others = np.array(sorted(set(listed) - focus))
    rng = np.random.default_rng([seed, 1])
    pick = set(rng.choice(others, size=min(n_other, len(others)), replace=False).tolist())
    codes = sorted(focus | pick)
    return pd.DataFrame({"hs6_code": codes, "is_focus": [c in focus for c in codes]})


def demo_panel(
    *,
    seed: int = 20240101,
    years: Iterable[int] = range(2015, 2025),
    n_other_products: int = 60,
    dictionaries: str | Path | None = None,
    wdi: str | Path | None = None,
) -> pd.DataFrame:
    """Deterministic synthetic bilateral trade panel (SYNTHETIC DEMONSTRATION DATA).

    Parameters
    ----------
    seed : int
        Seed of every random draw; the same seed gives the same frame, row for row.
    years : iterable of int
        Consecutive or not, between 1995 and 2100.
    n_other_products : int
        Products sampled besides the focus-sector codes (breadth for RCA/ECI).
    dictionaries : path, optional
        Folder with the BACI V202201 dictionaries (default ``data/raw/baci``).
    wdi : path, optional
        Folder with ``SP.POP.TOTL.csv`` (default ``data/raw/wdi``); sizes are random without it.

    Returns
    -------
    pandas.DataFrame
        Canonical trade columns :data:`coopstats.schemas.TRADE` with ``hs_revision="HS17"``,
        ``flow_basis="reconciled"``, ``dataset="SYNTHETIC_DEMO"``, ``value_usd`` rounded to whole
        dollars, ``quantity_t`` missing for about 2 % of rows (as in BACI); sorted by year,
        exporter, importer, product; a few hundred thousand rows with the defaults.
    """
    years = sorted({int(y) for y in years})
    if not years or years[0] < 1995 or years[-1] > 2100:
        raise InvalidParameterError("years", years, allowed="non-empty, within 1995..2100")
    if not isinstance(seed, int | np.integer):
        raise InvalidParameterError("seed", seed, allowed="an integer")
    if not isinstance(n_other_products, int) or n_other_products < 0:
        raise InvalidParameterError("n_other_products", n_other_products, allowed="an integer >= 0")
    countries = np.array(demo_countries(dictionaries=dictionaries))
    products = demo_products(seed=seed, n_other=n_other_products, dictionaries=dictionaries)
    codes = products["hs6_code"].to_numpy()
    n_c, n_p, n_y = len(countries), len(codes), len(years)
    rng = np.random.default_rng([seed, 2])

    # sizes and geography
    pop = _population_millions(wdi).reindex(countries).to_numpy()
    noise = rng.lognormal(0.0, 0.6, n_c)
    fallback = rng.lognormal(0.0, 1.5, n_c)
    income = np.where(np.isin(countries, HIGH_INCOME), 5.0, 1.0)
    mass = np.where(
        np.isfinite(pop),
        np.power(np.where(np.isfinite(pop), pop, 1.0), 0.7) * income * noise,
        fallback,
    )
    pos = rng.random((n_c, 2))
    soviet = np.isin(countries, _POST_SOVIET)
    pos[soviet] = np.array([0.7, 0.8]) + 0.05 * rng.standard_normal((soviet.sum(), 2))
    dist = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1))

    # what each country exports: more products for bigger economies
    share_active = np.clip(0.02 + 0.05 * np.log1p(mass), 0.02, 0.4)
    # the Eurasian customs-union members are the panel's subject: give them a broad presence in
    # the focus-sector products so every report has intra-bloc flows to show
    core = np.isin(countries, _EAEU_CORE)
    is_focus = products["is_focus"].to_numpy()
    share_cp = np.where(core[:, None] & is_focus[None, :], np.maximum(share_active[:, None], 0.5),
                        share_active[:, None])
    active = rng.random((n_c, n_p)) < share_cp
    capability = rng.lognormal(0.0, 1.0, (n_c, n_p))

    # partners: fixed gravity-weighted sets (bigger exporters have more partners)
    attract = mass[None, :] / (0.05 + dist)
    np.fill_diagonal(attract, 0.0)
    n_partners = np.clip(np.round(1 + 1.5 * np.log1p(mass)), 2, 15).astype(int)
    gumbel = -np.log(-np.log(rng.random((n_c, n_c))))
    score = np.where(attract > 0, np.log(np.where(attract > 0, attract, 1.0)) + gumbel, -np.inf)
    order = np.argsort(-score, axis=1, kind="stable")
    # ... plus each post-Soviet market with probability 0.05 + 0.1 log(1 + m_d) (at most 0.6),
    # so that the blocs' import structure has breadth
    p_soviet = np.clip(0.05 + 0.1 * np.log1p(mass), 0.0, 0.6) * soviet
    extra = (rng.random((n_c, n_c)) < p_soviet[None, :]) & (attract > 0)
    # members of one customs union always trade with each other
    extra |= core[:, None] & core[None, :] & (attract > 0)
    partner_w = np.zeros((n_c, n_c))
    for c in range(n_c):
        chosen = order[c, : n_partners[c]]
        partner_w[c, chosen] = attract[c, chosen]
    partner_w = np.where(extra, attract, partner_w)
    partner_w /= partner_w.sum(axis=1, keepdims=True)

    growth = np.exp(np.cumsum(0.03 + 0.08 * rng.standard_normal((n_c, n_y)), axis=1))
    unit_price = rng.lognormal(np.log(3000.0), 1.0, n_p)  # USD per tonne

    ex_idx, p_idx = np.nonzero(active)
    rows = []
    sanction = np.isin(countries, SANCTIONING_2022)
    redirect = np.isin(countries, _REDIRECT_2022)
    rus = np.flatnonzero(countries == "RUS")
    for yi, year in enumerate(years):
        base = 1e6 * mass[ex_idx] * capability[ex_idx, p_idx] * growth[ex_idx, yi]
        reps = (partner_w[ex_idx] > 0).sum(axis=1)
        e = np.repeat(ex_idx, reps)
        p = np.repeat(p_idx, reps)
        b = np.repeat(base, reps)
        imp = np.nonzero(partner_w[ex_idx] > 0)[1]
        val = b * partner_w[e, imp] * rng.lognormal(0.0, 0.6, len(e))
        if year >= 2022 and len(rus):
            r = rus[0]
            to_rus = imp == r
            cut = 0.35 if year == 2022 else 0.25
            val = np.where(to_rus & sanction[e], val * cut, val)
            val = np.where(to_rus & redirect[e], val * 1.3, val)
            val = np.where((e == r) & sanction[imp], val * 0.5, val)
        val = np.round(val)
        keep = val >= 1000.0  # BACI leaves out flows below USD 1,000
        qty = val / unit_price[p] * rng.lognormal(0.0, 0.2, len(e))
        qty = np.where(rng.random(len(e)) < 0.02, np.nan, np.round(qty, 3))
        rows.append(
            pd.DataFrame(
                {
                    "year": np.int64(year),
                    "e": e[keep],
                    "i": imp[keep],
                    "p": p[keep],
                    "value_usd": val[keep],
                    "quantity_t": qty[keep],
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    out = pd.DataFrame(
        {
            "year": frame["year"].astype("int64"),
            "exporter_iso3": pd.array(countries[frame["e"].to_numpy()], dtype="string"),
            "importer_iso3": pd.array(countries[frame["i"].to_numpy()], dtype="string"),
            "hs6_code": pd.array(codes[frame["p"].to_numpy()], dtype="string"),
            "hs_revision": pd.array(["HS17"] * len(frame), dtype="string"),
            "value_usd": frame["value_usd"].astype("float64"),
            "quantity_t": frame["quantity_t"].astype("float64"),
            "flow_basis": pd.array(["reconciled"] * len(frame), dtype="string"),
            "dataset": pd.array([DEMO_DATASET] * len(frame), dtype="string"),
        }
    )
    return out.sort_values(
        ["year", "exporter_iso3", "importer_iso3", "hs6_code"], kind="stable"
    ).reset_index(drop=True)[TRADE]
