"""Write small BACI releases in CEPII's exact layout, with SYNTHETIC values (tests, demos).

:func:`write_baci_release` writes ``BACI_<rev>_V<version>.zip`` holding one
``BACI_<rev>_Y<year>_V<version>.csv`` per year (header ``t,i,j,k,v,q``, rows sorted by
``i, j, k``, codes without padding, HS6 codes with their leading zeros, ``v`` in thousand USD
and ``q`` in tonnes with three decimals, ``NA`` for some quantities) and the release's two
dictionaries: the **real** V202601 country dictionary and the revision's **real** product list
(codes and descriptions from :func:`coopstats.hs.products`). Only the flow values are
invented: every file says SYNTHETIC nowhere inside (BACI's layout has no room for it), so the
caller must keep such a release out of real data folders; the default dataset label is the
real release name on purpose, to exercise the same code paths as a download.

It is what the tests use to check that every shipped report runs on an HS92 release covering
2015-2024 (the current BACI long panel) without a 2 GB download.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError, MissingDataError

__all__ = ["write_baci_release", "release_products"]

#: Large trading partners added to the bloc members (ISO3).
PARTNERS = ("CHN", "DEU", "USA", "JPN", "KOR", "TUR", "IND", "ITA", "FRA", "POL")


def release_products(revision: str = "HS92", *, n_other: int = 30, seed: int = 7) -> list[str]:
    """Codes of the coopstats sectors and CHPL tiers in ``revision``, plus ``n_other`` others."""
    from .. import hs, hs_sectors

    listed = set()
    for taxonomy in ("coopstats", "CHPL"):
        listed |= set(hs_sectors.sector_map(revision=revision, taxonomy=taxonomy)["hs6_code"])
    others = sorted(set(hs.hs6_codes(revision)) - listed)
    rng = np.random.default_rng(seed)
    picked = rng.choice(others, size=min(n_other, len(others)), replace=False)
    return sorted(listed | set(picked.tolist()))


def write_baci_release(
    folder: str | Path,
    *,
    revision: str = "HS92",
    version: str = "202601",
    years: Iterable[int] = range(2015, 2025),
    countries: Iterable[str] | None = None,
    products: Iterable[str] | None = None,
    density: float = 0.12,
    seed: int = 20260101,
    dictionaries: str | Path | None = None,
) -> Path:
    """Write a BACI release zip in CEPII's layout with synthetic flows; return its path.

    Parameters
    ----------
    folder : path
        Where ``BACI_<revision>_V<version>.zip`` is written (created if needed).
    revision, version : str
        E.g. ``"HS92"``, ``"202601"``.
    years : iterable of int
        One yearly file per year.
    countries : iterable of str, optional
        ISO3 codes trading with each other (default: every member of the EAEU, CIS, CSTO and
        the Union State, plus :data:`PARTNERS`); each maps to its BACI code through the real
        V202601 dictionary.
    products : iterable of str, optional
        HS6 codes of ``revision`` (default :func:`release_products`).
    density : float
        Share of (exporter, importer, product) triples with a flow in a year; bloc members
        always trade the listed sector products with each other.
    seed : int
        Seed of every draw (the same arguments give the same bytes).
    dictionaries : path, optional
        Folder with ``country_codes_V202601.csv`` (default ``data/raw/baci``).

    Returns
    -------
    pathlib.Path
        The zip.
    """
    from .. import hs, hs_sectors
    from ..config import raw_dir
    from .baci import country_crosswalk, read_country_codes
    from .ingest import bloc_member_union

    years = sorted({int(y) for y in years})
    if not 0 < density <= 1:
        raise InvalidParameterError("density", density, allowed="0 < density <= 1")
    dict_dir = Path(dictionaries) if dictionaries is not None else raw_dir() / "baci"
    country_file = dict_dir / "country_codes_V202601.csv"
    if not country_file.is_file():
        raise MissingDataError(
            country_file.name, where=dict_dir, how="it ships in data/raw/baci/ of the repository"
        )
    walk = country_crosswalk(read_country_codes(country_file))
    walk = walk[walk["status"].isin(["iso", "grouped", "comtrade"])]
    code_of = dict(zip(walk["iso3"].astype(str), walk["baci_code"], strict=True))
    members = bloc_member_union()
    wanted = sorted(set(countries) if countries is not None else {*members, *PARTNERS})
    missing = [c for c in wanted if c not in code_of]
    if missing:
        raise InvalidParameterError("countries", missing, why="not in the V202601 dictionary")
    codes = np.array(sorted(code_of[c] for c in wanted), dtype=np.int64)
    is_member = np.isin(codes, [code_of[c] for c in members if c in code_of])
    prods = sorted(set(products) if products is not None else release_products(revision))
    known = set(hs.hs6_codes(revision))
    unknown = [p for p in prods if p not in known]
    if unknown:
        raise InvalidParameterError("products", unknown[:5], why=f"not {revision} codes")
    focus = np.isin(prods, list(set(hs_sectors.sector_map(revision=revision)["hs6_code"])))
    product_list = hs.products(revision).set_index("hs6_code")["description"]

    rng = np.random.default_rng(seed)
    n_c, n_p = len(codes), len(prods)
    ii, jj, kk = np.meshgrid(np.arange(n_c), np.arange(n_c), np.arange(n_p), indexing="ij")
    ii, jj, kk = ii.ravel(), jj.ravel(), kk.ravel()
    pair = ii != jj
    ii, jj, kk = ii[pair], jj[pair], kk[pair]
    always = is_member[ii] & is_member[jj] & focus[kk]
    # a level per (exporter, product) and a yearly growth, so series have trends and breaks
    level = rng.lognormal(3.0, 1.5, size=(n_c, n_p))
    growth = rng.normal(0.04, 0.08, size=(n_c, n_p))

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"BACI_{revision}_V{version}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for t, year in enumerate(years):
            keep = always | (rng.random(len(ii)) < density)
            i, j, k = ii[keep], jj[keep], kk[keep]
            v = level[i, k] * np.exp(growth[i, k] * t) * rng.lognormal(0.0, 0.5, len(i))
            v = np.round(v, 3) + 0.001
            q = np.round(v * rng.uniform(0.01, 2.0, len(i)), 3)
            q_text = np.where(rng.random(len(i)) < 0.03, "NA", np.char.mod("%.3f", q))
            frame = pd.DataFrame(
                {
                    "t": year,
                    "i": codes[i],
                    "j": codes[j],
                    "k": np.array(prods)[k],
                    "v": np.char.mod("%.3f", v),
                    "q": q_text,
                }
            ).sort_values(["i", "j", "k"], kind="stable")
            buf = io.StringIO()
            frame.to_csv(buf, index=False, lineterminator="\n")
            zf.writestr(f"BACI_{revision}_Y{year}_V{version}.csv", buf.getvalue())
        zf.write(country_file, f"country_codes_V{version}.csv")
        plist = pd.DataFrame(
            {"code": product_list.index, "description": product_list.to_numpy()}
        )
        buf = io.StringIO()
        plist.to_csv(buf, index=False, lineterminator="\n")
        zf.writestr(f"product_codes_{revision}_V{version}.csv", buf.getvalue())
    return path
