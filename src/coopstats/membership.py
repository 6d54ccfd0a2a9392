"""Dated bloc membership: who is a member of which bloc on which day, and the as-of rules.

Bloc membership is data (``data/bloc_membership.csv``), one row per country, bloc and role
with a source. ``start_date`` is the first day of the role and ``end_date`` the first day the
country no longer holds it (exclusive; blank = still holds it), so the membership test on a
date ``d`` is ``start_date <= d < end_date``. Roles: ``member``, ``associate`` (CIS:
Turkmenistan since 2005), ``observer`` (EAEU) and ``suspended`` (CSTO: Uzbekistan since 2012,
Armenia's 2024 freeze).

=================================  ==========================================================
function                           question it answers
=================================  ==========================================================
:func:`members`                    who holds a role in a bloc on a day?
:func:`members_in_year`            who is a member in a year (as-of rule :data:`AS_OF`)?
:func:`membership_panel`           ``year, country_iso3`` members for a range of years
:func:`is_intra_bloc`              are both countries of a flow members that year?
:func:`membership_window`          members and changes within a window of years
:func:`window_changes`             accessions, exits and suspensions in a window
:func:`membership_note`            the window's membership in words (en/ru)
:func:`check_bloc`                 the one bloc check (names of :data:`coopstats.columns.BLOCS`)
=================================  ==========================================================

Country names and codes are in :mod:`coopstats.geo`. The reference file is read lazily (on
first use, then cached); importing this module does no work.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from . import reference
from .columns import BLOCS, ISO3_REGEX
from .errors import DataFileError, InvalidParameterError

__all__ = [
    "check_bloc",
    "ROLES",
    "AS_OF",
    "membership",
    "membership_changes",
    "members",
    "members_in_year",
    "is_intra_bloc",
    "membership_panel",
    "membership_window",
    "window_changes",
    "membership_note",
]


#: Roles a country can hold in a bloc (``bloc_membership.csv``).
ROLES = ("member", "associate", "observer", "suspended")


#: Reference days for :func:`members_in_year`: 31 Dec, 1 Jan, 1 Jul (day 182 of 365).
AS_OF = {
    "year_end": (12, 31),
    "year_start": (1, 1),
    "mid_year": (7, 1),
    # not one day: member on at least one day / on every day of the calendar year
    "any_day": None,
    "full_year": None,
}


_MEMBERSHIP = "bloc_membership.csv"


def _parse_dates(frame: pd.DataFrame, column: str, name: str, *, allow_blank: bool) -> pd.Series:
    raw = frame[column]
    parsed = pd.to_datetime(raw.where(raw != ""), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & ((raw != "") | (not allow_blank))
    reference.fail_rows(
        frame, bad, name, column, "not a date YYYY-MM-DD", "write ISO dates such as 2015-01-01"
    )
    return parsed


# --------------------------------------------------------------------------- membership
@functools.lru_cache(maxsize=1)
def _membership() -> pd.DataFrame:
    cols = ["bloc", "country_iso3", "role", "start_date", "end_date", "source", "note"]
    frame = reference.read_table(
        _MEMBERSHIP, cols, required=["bloc", "country_iso3", "role", "start_date", "source"]
    )
    reference.fail_rows(
        frame,
        ~frame["bloc"].isin(BLOCS),
        _MEMBERSHIP,
        "bloc",
        "unknown bloc",
        f"blocs are {list(BLOCS)} (coopstats.columns.BLOCS)",
    )
    reference.fail_rows(
        frame,
        ~frame["role"].isin(ROLES),
        _MEMBERSHIP,
        "role",
        "unknown role",
        f"roles are {list(ROLES)}",
    )
    reference.fail_rows(
        frame,
        ~frame["country_iso3"].str.fullmatch(ISO3_REGEX),
        _MEMBERSHIP,
        "country_iso3",
        "not an ISO3 code",
        "use ISO 3166 alpha-3 such as KAZ",
    )
    out = frame.copy()
    out["start_date"] = _parse_dates(frame, "start_date", _MEMBERSHIP, allow_blank=False)
    out["end_date"] = _parse_dates(frame, "end_date", _MEMBERSHIP, allow_blank=True)
    reference.fail_rows(
        frame,
        out["end_date"].notna() & (out["end_date"] <= out["start_date"]),
        _MEMBERSHIP,
        "end_date",
        "end_date is not after start_date",
        "end_date is the first day without the role",
    )
    # one role at a time per bloc and country: intervals must not overlap
    far = pd.Timestamp("2262-01-01")
    srt = out.assign(_end=out["end_date"].fillna(far)).sort_values(
        ["bloc", "country_iso3", "start_date"]
    )
    prev_end = srt.groupby(["bloc", "country_iso3"])["_end"].shift()
    overlap = (srt["start_date"] < prev_end).reindex(frame.index, fill_value=False)
    reference.fail_rows(
        frame,
        overlap,
        _MEMBERSHIP,
        "start_date",
        "overlaps an earlier row of the same bloc and country",
        "a country holds one role at a time; end the earlier row first",
    )
    return out


def membership() -> pd.DataFrame:
    """Dated bloc membership, one row per bloc, country and role spell.

    Returns
    -------
    pandas.DataFrame
        ``bloc`` (str, one of :data:`coopstats.columns.BLOCS`), ``country_iso3`` (str),
        ``role`` (``member|associate|observer|suspended``), ``start_date`` (datetime64, first
        day of the role), ``end_date`` (datetime64, first day without it; NaT = ongoing),
        ``source`` (treaty or decision and address), ``note`` (caveats and uncertainty).
        Indexed by the line of ``bloc_membership.csv``.

    References
    ----------
    Treaty on the Eurasian Economic Union (Astana, 29 May 2014); Agreement on the Establishment
    of the CIS (8 Dec 1991) and Alma-Ata Protocol (21 Dec 1991); Collective Security Treaty
    (Tashkent, 15 May 1992); Treaty on the Creation of the Union State (8 Dec 1999). Each row
    cites its own instrument.
    """
    return _membership().copy()


def membership_changes(bloc: str | None = None) -> pd.DataFrame:
    """Every dated change in the membership table: ``bloc, country_iso3, role, date, change``.

    ``change`` is ``"start"`` or ``"end"``; on ``date`` the new state holds (ends are exclusive).
    """
    m = _membership()
    if bloc is not None:
        m = m[m["bloc"] == check_bloc(bloc)]
    starts = m.assign(date=m["start_date"], change="start")
    ends = m[m["end_date"].notna()].assign(date=lambda d: d["end_date"], change="end")
    out = pd.concat([starts, ends])[["bloc", "country_iso3", "role", "date", "change"]]
    return out.sort_values(["bloc", "date", "country_iso3", "change"], kind="stable").reset_index(
        drop=True
    )


def check_bloc(bloc: str) -> str:
    """Return ``bloc`` if it is one of :data:`coopstats.columns.BLOCS` (the one bloc list).

    Raises
    ------
    InvalidParameterError
        Naming the value and the known blocs.
    """
    if bloc not in BLOCS:
        raise InvalidParameterError("bloc", bloc, list(BLOCS))
    return bloc


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidParameterError("role", role, list(ROLES))
    return role


def _as_timestamp(on: str | _dt.date | pd.Timestamp) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(on)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise InvalidParameterError(
            "on", on, "a date such as '2016-06-30' or datetime.date(2016, 6, 30)"
        )
    return ts.normalize()


def members(bloc: str, on: str | _dt.date, *, role: str = "member") -> list[str]:
    """Countries holding ``role`` in ``bloc`` on the date ``on``, sorted ISO3.

    A country is counted when ``start_date <= on < end_date`` (blank ``end_date`` = ongoing).

    Parameters
    ----------
    bloc : str
        One of :data:`coopstats.columns.BLOCS`.
    on : str or datetime.date
        The date, e.g. ``"2016-06-30"``.
    role : {"member", "associate", "observer", "suspended"}
        Which role to list.

    Returns
    -------
    list of str
        Sorted ISO 3166 alpha-3 codes.

    Raises
    ------
    InvalidParameterError
        Unknown bloc or role, or an unparseable date.

    Examples
    --------
    >>> members("EAEU", "2015-01-01")
    ['BLR', 'KAZ', 'RUS']
    >>> members("EAEU", "2016-06-30")
    ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS']
    """
    check_bloc(bloc)
    _check_role(role)
    day = _as_timestamp(on)
    m = _membership()
    hit = (
        (m["bloc"] == bloc)
        & (m["role"] == role)
        & (m["start_date"] <= day)
        & (m["end_date"].isna() | (day < m["end_date"]))
    )
    return sorted(m.loc[hit, "country_iso3"].unique().tolist())


def _reference_day(year: int, as_of: str) -> pd.Timestamp:
    if as_of not in AS_OF:
        raise InvalidParameterError("as_of", as_of, list(AS_OF))
    month, day = AS_OF[as_of]
    return pd.Timestamp(int(year), month, day)


def _days_in_role(bloc: str, year: int, role: str) -> dict[str, int]:
    """Days of ``year`` each country holds ``role`` in ``bloc`` (spells are [start, end))."""
    lo, hi = pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year) + 1, 1, 1)
    m = _membership()
    m = m[(m["bloc"] == bloc) & (m["role"] == role)]
    start = m["start_date"].clip(lower=lo)
    end = m["end_date"].fillna(hi).clip(upper=hi)
    days = (end - start).dt.days.clip(lower=0)
    out: dict[str, int] = {}
    for iso3, d in zip(m["country_iso3"], days, strict=True):
        out[iso3] = out.get(iso3, 0) + int(d)
    return {k: v for k, v in out.items() if v > 0}


def members_in_year(
    bloc: str,
    year: int,
    *,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    role: str = "member",
) -> list[str]:
    """Members of ``bloc`` in calendar ``year``, judged on one reference day.

    ``as_of="year_end"`` uses 31 December (a country that joined during the year counts for
    the whole year: Kyrgyzstan is in the EAEU for 2015), ``"year_start"`` 1 January
    (Armenia, joined 2 Jan 2015, is not an EAEU member for 2015) and ``"mid_year"`` 1 July
    (Kyrgyzstan, joined 12 Aug 2015, is not a member for 2015). ``"any_day"`` counts a
    country holding the role on at least one day of the year, ``"full_year"`` only one
    holding it on every day (Ukraine left CIS bodies on 19 May 2018: a CIS member for 2018
    under ``any_day``, not under ``full_year`` or ``year_end``).

    Returns
    -------
    list of str
        Sorted ISO3 codes.
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InvalidParameterError("year", year, "an integer calendar year")
    if as_of not in AS_OF:
        raise InvalidParameterError("as_of", as_of, list(AS_OF))
    if AS_OF[as_of] is None:
        check_bloc(bloc)
        _check_role(role)
        days = _days_in_role(bloc, int(year), role)
        need = 1 if as_of == "any_day" else _year_days(int(year))
        return sorted(c for c, d in days.items() if d >= need)
    return members(bloc, _reference_day(int(year), as_of), role=role)


def _year_days(year: int) -> int:
    return (pd.Timestamp(year + 1, 1, 1) - pd.Timestamp(year, 1, 1)).days


def membership_window(
    bloc: str,
    start_year: int,
    end_year: int,
    *,
    as_of: str = "year_end",
    role: str = "member",
) -> pd.DataFrame:
    """Who holds ``role`` in ``bloc`` in each year of a window, and for how much of it.

    Parameters
    ----------
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    start_year, end_year
        First and last calendar year (inclusive).
    as_of
        Rule deciding who counts for a year (:data:`AS_OF`).
    role
        Role to list.

    Returns
    -------
    pandas.DataFrame
        ``year, country_iso3, days_member, days_in_year, is_partial_year, is_counted``: one
        row per country holding the role on at least one day of the year; ``is_counted`` says
        whether ``as_of`` counts it for that year.

    Examples
    --------
    >>> w = membership_window("EAEU", 2015, 2015, as_of="mid_year")
    >>> w.loc[w["country_iso3"] == "KGZ", ["days_member", "is_counted"]].values.tolist()
    [[142, False]]
    """
    check_bloc(bloc)
    _check_role(role)
    for name, y in (("start_year", start_year), ("end_year", end_year)):
        if isinstance(y, bool) or not isinstance(y, (int, np.integer)):
            raise InvalidParameterError(name, y, "an integer calendar year")
    if start_year > end_year:
        raise InvalidParameterError("end_year", end_year, f"a year >= start_year={start_year}")
    rows = []
    for y in range(int(start_year), int(end_year) + 1):
        counted = set(members_in_year(bloc, y, as_of=as_of, role=role))
        n = _year_days(y)
        for iso3, d in sorted(_days_in_role(bloc, y, role).items()):
            rows.append((y, iso3, d, n, d < n, iso3 in counted))
    cols = ["year", "country_iso3", "days_member", "days_in_year", "is_partial_year", "is_counted"]
    return pd.DataFrame(rows, columns=cols).astype({"year": "int64"})


def window_changes(bloc: str, start_year: int, end_year: int) -> pd.DataFrame:
    """Dated membership changes of ``bloc`` from 1 Jan ``start_year`` to 31 Dec ``end_year``.

    Returns
    -------
    pandas.DataFrame
        ``bloc, country_iso3, role, date, change`` (``start`` | ``end``), ``source``,
        ``note``, sorted by date.

    Examples
    --------
    >>> window_changes("CIS", 2005, 2020)[["country_iso3", "change"]].values.tolist()
    [['TKM', 'end'], ['TKM', 'start'], ['GEO', 'end'], ['UKR', 'end']]
    """
    check_bloc(bloc)
    lo, hi = pd.Timestamp(int(start_year), 1, 1), pd.Timestamp(int(end_year) + 1, 1, 1)
    m = _membership()
    m = m[m["bloc"] == bloc]
    starts = m.assign(date=m["start_date"], change="start")
    ends = m[m["end_date"].notna()].assign(date=lambda d: d["end_date"], change="end")
    out = pd.concat([starts, ends])
    out = out[(out["date"] >= lo) & (out["date"] < hi)]
    cols = ["bloc", "country_iso3", "role", "date", "change", "source", "note"]
    return (
        out[cols]
        .sort_values(["date", "country_iso3", "change"], kind="stable")
        .reset_index(drop=True)
    )


def membership_note(
    bloc: str,
    start_year: int,
    end_year: int,
    *,
    as_of: str = "year_end",
    language: str = "en",
) -> str:
    """Members of ``bloc`` over a window and every change in it, in words.

    Parameters
    ----------
    bloc, start_year, end_year, as_of
        As in :func:`membership_window`.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        The rule, the members counted in the first and last year, each change with its date
        and how the rule treats the year of the change.
    """
    if language not in ("en", "ru"):
        raise InvalidParameterError("language", language, ["en", "ru"])
    w = membership_window(bloc, start_year, end_year, as_of=as_of)
    first = sorted(w.loc[(w["year"] == start_year) & w["is_counted"], "country_iso3"])
    last = sorted(w.loc[(w["year"] == end_year) & w["is_counted"], "country_iso3"])
    ch = window_changes(bloc, start_year, end_year)
    items = []
    for r in ch.itertuples():
        y = r.date.year
        counted = bool(
            w.loc[(w["year"] == y) & (w["country_iso3"] == r.country_iso3), "is_counted"].any()
        )
        if language == "en":
            verb = {"start": "became", "end": "ceased to be"}[r.change]
            rule = f"counted as a member for {y}" if counted else f"not counted as a member for {y}"
            if r.role != "member":
                rule = "not a member role"
            items.append(f"{r.country_iso3} {verb} {r.role} on {r.date:%Y-%m-%d} ({rule})")
        else:
            verb = {"start": "получила статус", "end": "утратила статус"}[r.change]
            rule = f"считается членом в {y} г." if counted else f"не считается членом в {y} г."
            if r.role != "member":
                rule = "не статус члена"
            items.append(f"{r.country_iso3} {verb} {r.role} {r.date:%Y-%m-%d} ({rule})")
    span = f"{start_year}-{end_year}" if start_year != end_year else f"{start_year}"
    if language == "en":
        text = (
            f"{bloc} membership, {span}, counted by the rule '{as_of}': "
            f"{', '.join(first) or 'none'} in {start_year}"
        )
        if last != first:
            text += f"; {', '.join(last) or 'none'} in {end_year}"
        text += ". " + (
            "Changes in the window: " + "; ".join(items) + "."
            if items
            else "No changes in the window."
        )
    else:
        text = (
            f"Состав {bloc}, {span}, по правилу '{as_of}': "
            f"{', '.join(first) or 'нет'} в {start_year} г."
        )
        if last != first:
            text += f"; {', '.join(last) or 'нет'} в {end_year} г."
        text += " " + (
            "Изменения в окне: " + "; ".join(items) + "." if items else "Изменений в окне нет."
        )
    return text


def membership_panel(
    bloc: str,
    years: Iterable[int],
    *,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    role: str = "member",
) -> pd.DataFrame:
    """Long ``year, country_iso3, bloc`` frame of :func:`members_in_year` for each year.

    Handy for merges (e.g. tagging importers as bloc members year by year).

    Examples
    --------
    >>> membership_panel("EAEU", [2014, 2015], as_of="year_start")["country_iso3"].tolist()
    ['BLR', 'KAZ', 'RUS']
    """
    rows = [
        (int(y), iso3)
        for y in years
        for iso3 in members_in_year(bloc, int(y), as_of=as_of, role=role)
    ]
    frame = pd.DataFrame(rows, columns=["year", "country_iso3"]).astype(
        {"year": "int64", "country_iso3": "string"}
    )
    frame["bloc"] = pd.array([bloc] * len(frame), dtype="string")
    return frame


def is_intra_bloc(
    frame: pd.DataFrame,
    bloc: str,
    *,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    exporter_col: str = "exporter_iso3",
    importer_col: str = "importer_iso3",
    year_col: str = "year",
    role: str = "member",
) -> pd.Series:
    """Whether each flow is intra-bloc: exporter and importer both members in that year.

    ``intra_t = [exporter in B_t] * [importer in B_t] * [exporter != importer]`` where ``B_t``
    is :func:`members_in_year` of the row's year. Vectorised: one boolean year x country
    matrix, indexed with the factorised columns (runs on millions of rows).

    Parameters
    ----------
    frame : pandas.DataFrame
        A trade frame with the year, exporter and importer columns.
    bloc : str
        One of :data:`coopstats.columns.BLOCS`.
    as_of, role
        As in :func:`members_in_year`.
    exporter_col, importer_col, year_col : str
        Column names (canonical by default).

    Returns
    -------
    pandas.Series of bool
        Aligned with ``frame.index``, named ``is_intra_bloc``.

    Raises
    ------
    InvalidParameterError
        Unknown bloc, role or ``as_of``, or a missing column.
    DataFileError
        Missing values in the year or country columns.
    """
    check_bloc(bloc)
    _check_role(role)
    if as_of not in AS_OF:
        raise InvalidParameterError("as_of", as_of, list(AS_OF))
    for name, col in (
        ("year_col", year_col),
        ("exporter_col", exporter_col),
        ("importer_col", importer_col),
    ):
        if col not in frame.columns:
            raise InvalidParameterError(name, col, list(frame.columns), why="column not in frame")
        if frame[col].isna().any():
            first = frame.index[frame[col].isna().to_numpy()][0]
            raise DataFileError(
                "missing value in a key column",
                line=None,
                column=col,
                value=f"<NA> at index {first}",
                hint="clean the frame (ledger) before asking bloc questions",
            )
    if frame.empty:
        return pd.Series(np.zeros(0, dtype=bool), index=frame.index, name="is_intra_bloc")
    year_codes, years = pd.factorize(frame[year_col], sort=False)
    both = pd.concat([frame[exporter_col], frame[importer_col]], ignore_index=True)
    country_codes, countries = pd.factorize(both, sort=False)
    n = len(frame)
    exp_codes, imp_codes = country_codes[:n], country_codes[n:]
    matrix = np.zeros((len(years), len(countries)), dtype=bool)
    pos = {c: i for i, c in enumerate(countries)}
    for yi, year in enumerate(years):
        for iso3 in members_in_year(bloc, int(year), as_of=as_of, role=role):
            ci = pos.get(iso3)
            if ci is not None:
                matrix[yi, ci] = True
    out = matrix[year_codes, exp_codes] & matrix[year_codes, imp_codes] & (exp_codes != imp_codes)
    return pd.Series(out, index=frame.index, name="is_intra_bloc")
