"""Benchmark: coopstats.priority.complexity vs py-ecomplexity on a 200 x 5,000 panel.

SYNTHETIC DEMONSTRATION DATA: a seeded single-year panel of 200 countries x 5,000 HS6-like
products (log-normal values, ~35 % of country-product pairs zero), the size of a world
BACI year at HS6.

Run:  .venv/bin/python benchmarks/complexity.py [--countries 200] [--products 5000]
      [--seed 20240101]

Prints both wall-clock times, their ratio and the largest absolute difference per measure
(rca, mcp, diversity, ubiquity, eci, pci). py-ecomplexity's full call also computes
proximity, density, COI and COG (which coopstats does not), so the time of its ECI/PCI step
alone (``ecomplexity.ecomplexity.calc_eci_pci`` on the same Mcp) is printed as well.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd


def make_panel(n_countries: int, n_products: int, seed: int) -> pd.DataFrame:
    """Seeded synthetic exports frame (year, exporter_iso3, hs6_code, value_usd)."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 1.5, n_countries)[:, None]  # country size
    cap = rng.normal(0.0, 1.0, n_countries)[:, None]  # capability
    req = rng.normal(0.0, 1.0, n_products)[None, :]  # product sophistication
    p_present = 1.0 / (1.0 + np.exp(-(1.5 * cap - req + 0.6)))
    present = rng.random((n_countries, n_products)) < p_present
    values = size * rng.lognormal(8.0, 2.0, (n_countries, n_products)) * present
    countries = np.array([f"C{i:03d}" for i in range(n_countries)])
    products = np.array([f"{100000 + j:06d}" for j in range(n_products)])
    ci, pj = np.nonzero(values)
    return pd.DataFrame(
        {
            "year": 2022,
            "exporter_iso3": countries[ci],
            "hs6_code": products[pj],
            "value_usd": values[ci, pj],
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20240101)
    args = ap.parse_args()

    from ecomplexity import ecomplexity
    from ecomplexity.ecomplexity import calc_eci_pci

    from coopstats.priority import complexity

    panel = make_panel(args.countries, args.products, args.seed)
    print("SYNTHETIC DEMONSTRATION DATA")
    print(
        f"panel: {args.countries} countries x {args.products} products, "
        f"{len(panel):,} non-zero rows, seed {args.seed}"
    )

    t0 = time.perf_counter()
    ours = complexity(panel, method="eigenvector")
    t_ours = time.perf_counter() - t0

    cols = {"time": "year", "loc": "exporter_iso3", "prod": "hs6_code", "val": "value_usd"}
    t0 = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        theirs = ecomplexity(panel, cols, check_logsupermodularity=False, verbose=False)
    t_theirs = time.perf_counter() - t0

    # py-ecomplexity's ECI/PCI step alone, on the same Mcp matrix
    cp = ours.country_product
    mcp = cp["mcp"].to_numpy().reshape(ours.country.shape[0], ours.product.shape[0])
    ns = SimpleNamespace(t=2022, mcp_t=mcp, diversity_t=mcp.sum(axis=1), ubiquity_t=mcp.sum(axis=0))
    t0 = time.perf_counter()
    eci_raw, pci_raw = calc_eci_pci(ns)
    t_step = time.perf_counter() - t0

    theirs = theirs.rename(columns={"exporter_iso3": "country_iso3"})
    measures = ["rca", "mcp", "diversity", "ubiquity", "eci", "pci"]
    ref = theirs[["country_iso3", "hs6_code", *measures]].rename(
        columns={c: f"{c}_ref" for c in measures}
    )
    m = cp.merge(ref, on=["country_iso3", "hs6_code"], how="left")
    m = m.merge(ours.country[["country_iso3", "diversity", "eci"]], on="country_iso3")
    m = m.merge(ours.product[["hs6_code", "ubiquity", "pci"]], on="hs6_code")
    print(
        f"rows compared: {len(m):,} (missing in py-ecomplexity: {int(m['rca_ref'].isna().sum())})"
    )

    print(f"\ncoopstats.priority.complexity (eigenvector): {t_ours:8.3f} s")
    print(f"py-ecomplexity ecomplexity() full call:      {t_theirs:8.3f} s")
    print(f"ratio (py-ecomplexity / coopstats):          {t_theirs / t_ours:8.1f} x")
    print(
        f"py-ecomplexity calc_eci_pci step alone:      {t_step:8.3f} s "
        f"(ratio {t_step / t_ours:.1f} x)"
    )
    print("\nlargest absolute difference per measure:")
    for c in measures:
        d = np.nanmax(np.abs(m[c].to_numpy(float) - m[f"{c}_ref"].to_numpy(float)))
        print(f"  {c:10s} {d:.3e}")


if __name__ == "__main__":
    main()
