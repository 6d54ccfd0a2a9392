"""Write a BACI-format yearly flow file of synthetic rows (benchmark input only).

SYNTHETIC DEMONSTRATION DATA: random values on the real V202201 code lists, in BACI's exact
layout (header ``t,i,j,k,v,q``, codes not zero-padded, HS6 codes with leading zeros, v and q
with three decimals, ``NA`` for about 2 % of quantities, rows sorted by i, j, k, unique keys).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_baci_year(
    path: Path,
    *,
    rows: int,
    year: int,
    country_codes: np.ndarray,
    product_codes: np.ndarray,
    seed: int = 20240101,
) -> Path:
    """Write ``rows`` unique, sorted flows for ``year`` to ``path``; return it."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    n_c, n_p = len(country_codes), len(product_codes)
    space = n_c * n_c * n_p
    keys = np.unique(rng.integers(0, space, size=int(rows * 1.15), dtype=np.int64))
    ij, kk = np.divmod(keys, n_p)
    ii, jj = np.divmod(ij, n_c)
    keys = keys[ii != jj]  # no flows from a country to itself
    keys = np.sort(rng.choice(keys, size=rows, replace=False))
    ij, kk = np.divmod(keys, n_p)
    ii, jj = np.divmod(ij, n_c)
    v = np.round(rng.lognormal(2.0, 2.5, rows), 3) + 0.001
    q = pa.array(np.round(v * rng.uniform(0.001, 3.0, rows), 3)).cast(pa.string())
    q = pc.if_else(pa.array(rng.random(rows) < 0.02), pa.scalar("NA"), q)
    table = pa.table(
        {
            "t": pa.array(np.full(rows, year, dtype=np.int32)),
            "i": pa.array(country_codes[ii].astype(np.int32)),
            "j": pa.array(country_codes[jj].astype(np.int32)),
            "k": pa.array(product_codes[kk]),
            "v": pa.array(v),
            "q": q,
        }
    )
    with open(path, "wb") as fh:
        fh.write(b"t,i,j,k,v,q\n")
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return path
