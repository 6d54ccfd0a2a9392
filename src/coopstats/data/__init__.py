"""Data shipped inside the coopstats wheel: the cited facts table and the reference tables.

Another study can use them without a clone of the repository::

    import coopstats.data
    facts = coopstats.data.facts()          # 150+ cited figures, one row per fact
    coopstats.data.files()                  # names of every shipped table
    coopstats.data.path("bloc_membership.csv")

``facts.csv`` is the repository's ``data/raw/facts/facts.csv`` (in the source tree this file
is a symbolic link to it, so the two can never differ; the wheel holds a regular copy). Its
columns and sources are described in ``data/raw/facts/README.md``; the reference tables in
``reference_data.md`` next to this module. Licences: ``DATA-LICENSES.md`` in the distribution.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingDataError

if TYPE_CHECKING:
    import pandas as pd

#: file suffixes of the shipped tables
_SUFFIXES = (".csv", ".yaml", ".md", ".txt")


def files() -> list[str]:
    """Names of the data files shipped in ``coopstats/data/`` (sorted).

    Returns
    -------
    list of str
        File names, e.g. ``"facts.csv"``, ``"bloc_membership.csv"``.
    """
    root = resources.files(__name__)
    return sorted(
        entry.name for entry in root.iterdir() if entry.name.endswith(_SUFFIXES) and entry.is_file()
    )


def path(name: str) -> Path:
    """Filesystem path of one shipped data file.

    Parameters
    ----------
    name
        File name as listed by :func:`files`, e.g. ``"facts.csv"``.

    Returns
    -------
    pathlib.Path
        Path inside the installed package (an editable install points into ``src/``).

    Raises
    ------
    MissingDataError
        When no such file is shipped; the message lists the files that are.
    """
    if "/" in name or "\\" in name or name not in files():
        raise MissingDataError(
            name,
            where=f"coopstats/data/{name}",
            how=f"No such file is shipped; the shipped files are: {', '.join(files())}.",
        )
    return Path(str(resources.files(__name__).joinpath(name)))


def facts() -> pd.DataFrame:
    """Load the cited facts table shipped with coopstats, validated.

    Every row is one figure read in an official statement or press report, with its source
    (``source_title``, ``source_url``, ``source_date``); read with
    :func:`coopstats.sources.facts.read_facts`, which checks units, currencies, blocs,
    sectors and identifiers.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`coopstats.schemas.FACTS`: ``fact_id, metric, reporter_iso3,
        partner_iso3, bloc, sector, period, value`` (float64) ``, unit, currency,
        price_basis, source_title, source_url, source_date, language, note``; one row per
        fact, in file order.

    Raises
    ------
    coopstats.errors.DataFileError
        When a shipped row fails a check (the shipped table has none; a test keeps it so):
        the message names the file, line, column and value.
    """
    from ..errors import DataFileError
    from ..sources.facts import read_facts

    cleaned = read_facts(path("facts.csv"))
    if len(cleaned.ledger):
        first = cleaned.ledger.iloc[0].to_dict()
        raise DataFileError(
            f"{len(cleaned.ledger)} shipped fact row(s) fail validation; first: {first}",
            path=path("facts.csv"),
            hint="fix data/raw/facts/facts.csv (`coopstats facts check`) and rebuild the wheel",
        )
    return cleaned.kept.reset_index(drop=True)
