r"""Mirror flows and valuation: the share of value from partners' declarations, CIF -> FOB.

A trade frame may mix ``flow_basis`` values ``reported`` (the preferred side's declaration),
``mirror`` (the partner's declaration, used when the preferred side did not report) and
``reconciled`` (CEPII BACI). :func:`mirror_value_usd` gives the part of each row's value that
comes from mirror flows, which the analyses sum into a ``mirror_share_pct`` column
(:func:`mirror_share_pct`). Declarations are valued CIF (imports) or FOB (exports); BACI is
FOB. :func:`with_valuation` labels each row's valuation from how the frame was built, and
:func:`cif_to_fob` divides CIF values by a CIF/FOB ratio, by default
:data:`DEFAULT_CIF_FOB_RATIO` = 1.10, the IMF *Direction of Trade Statistics* convention
(CIF = 1.10 x FOB where only one side is known). BACI instead estimates the ratio per flow
from distance, contiguity and the product's unit value (Gaulier & Zignago 2010, section 3),
which is why its values need no adjustment.

Split from :mod:`coopstats.coverage` (coverage tables and blackouts, which use it).

References
----------
Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the Product-Level.
CEPII Working Paper 2010-23. IMF (1993), *A Guide to Direction of Trade Statistics*, on the
10 % CIF/FOB factor.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .checks import FLOW_BASES, check_number, require_trade_frame
from .errors import InvalidParameterError

__all__ = [
    "FLOW_BASES",
    "DEFAULT_CIF_FOB_RATIO",
    "mirror_value_usd",
    "mirror_share_pct",
    "with_valuation",
    "cif_to_fob",
]

#: CIF/FOB ratio of :func:`cif_to_fob` when none is given: IMF DOTS's 10 % convention.
DEFAULT_CIF_FOB_RATIO = 1.10


def mirror_value_usd(trade: pd.DataFrame) -> pd.Series:
    """Part of each row's ``value_usd`` that comes from a mirror flow.

    ``value_usd`` where ``flow_basis == "mirror"``, else 0 (also when the frame has no
    ``flow_basis`` column: such a frame holds no mirror flow it knows of).

    Returns
    -------
    pandas.Series
        float64, aligned with ``trade``.
    """
    value = trade["value_usd"].astype("float64")
    if "flow_basis" not in trade.columns:
        return value * 0.0
    return value.where(trade["flow_basis"].astype("string").eq("mirror").fillna(False), 0.0)


def mirror_share_pct(mirror_usd: pd.Series | float, value_usd: pd.Series | float):
    r"""Share of value from mirror flows, :math:`100\,m / v` (NaN where ``v`` is 0).

    Examples
    --------
    >>> mirror_share_pct(25.0, 100.0)
    25.0
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if isinstance(value_usd, pd.Series) or isinstance(mirror_usd, pd.Series):
            v = (
                pd.Series(value_usd, dtype="float64")
                if not isinstance(value_usd, pd.Series)
                else value_usd
            )
            return (100.0 * mirror_usd / v.where(v != 0)).astype("float64")
        return float(100.0 * mirror_usd / value_usd) if value_usd else float("nan")


def with_valuation(
    trade: pd.DataFrame, *, prefer: Literal["importer", "exporter"] = "importer"
) -> pd.DataFrame:
    """Add a ``valuation`` column (``CIF`` or ``FOB``) from how the frame was built.

    ``reconciled`` rows (BACI) are FOB. For declarations read with
    :func:`coopstats.sources.comtrade.to_trade`, ``prefer="importer"`` makes ``reported``
    rows importers' declarations (CIF) and ``mirror`` rows exporters' (FOB);
    ``prefer="exporter"`` the other way round. A ``valuation`` column already present is
    kept as it is.

    Parameters
    ----------
    trade
        Trade frame with ``flow_basis``.
    prefer
        The side whose declarations the frame preferred.

    Returns
    -------
    pandas.DataFrame
        A copy with ``valuation``.
    """
    if prefer not in ("importer", "exporter"):
        raise InvalidParameterError("prefer", prefer, ["importer", "exporter"])
    out = require_trade_frame(trade).astype({"year": "int64"})
    if "valuation" in out.columns:
        return out
    if "flow_basis" not in out.columns:
        raise InvalidParameterError(
            "trade",
            "no flow_basis column",
            "a trade frame with flow_basis",
            why="the valuation of a row follows from its flow basis",
        )
    reported = "CIF" if prefer == "importer" else "FOB"
    mirror = "FOB" if prefer == "importer" else "CIF"
    basis = out["flow_basis"].astype(str)
    out["valuation"] = np.select(
        [basis == "reported", basis == "mirror"], [reported, mirror], default="FOB"
    )
    return out


def cif_to_fob(trade: pd.DataFrame, *, ratio: float = DEFAULT_CIF_FOB_RATIO) -> pd.DataFrame:
    r"""Put CIF-valued rows on an FOB basis: :math:`v_{FOB} = v_{CIF} / r`.

    Parameters
    ----------
    trade
        Trade frame with a ``valuation`` column (``CIF``/``FOB``; see :func:`with_valuation`).
    ratio
        CIF/FOB ratio :math:`r \ge 1`; default :data:`DEFAULT_CIF_FOB_RATIO` (1.10, IMF
        DOTS convention).

    Returns
    -------
    pandas.DataFrame
        A copy in which CIF rows have ``value_usd / ratio`` and ``valuation = "FOB"``.

    Raises
    ------
    InvalidParameterError
        No ``valuation`` column, a valuation other than CIF/FOB, or ``ratio < 1``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2022, "exporter_iso3": "KAZ", "importer_iso3": "RUS",
    ...                   "hs6_code": "260600", "value_usd": [110.0, 50.0],
    ...                   "valuation": ["CIF", "FOB"]})
    >>> cif_to_fob(t)["value_usd"].round(6).tolist()
    [100.0, 50.0]
    """
    ratio = check_number("cif_fob_ratio", ratio, 1.0)
    out = require_trade_frame(trade).astype({"year": "int64"})
    if "valuation" not in out.columns:
        raise InvalidParameterError(
            "trade",
            "no valuation column",
            "a frame with valuation CIF/FOB",
            why="add it with coopstats.valuation.with_valuation(trade, prefer=...)",
        )
    bad = ~out["valuation"].isin(["CIF", "FOB"])
    if bad.any():
        raise InvalidParameterError(
            "trade.valuation", sorted(map(str, out.loc[bad, "valuation"].unique())), ["CIF", "FOB"]
        )
    cif = out["valuation"] == "CIF"
    out["value_usd"] = out["value_usd"].astype("float64").where(~cif, out["value_usd"] / ratio)
    out["valuation"] = "FOB"
    return out
