"""Quarantine ledger: every row a cleaning step rejects or changes, with the reason.

Convention: frames read by :mod:`coopstats.sources` carry the 1-based line of the raw file
(header = line 1) as their index, named ``line``. A cleaning step splits a frame into the rows
it keeps and ledger entries for the rows it rejects, and :class:`Cleaned` proves that

    rows_in = rows_kept + rows_rejected

for the step (:meth:`Cleaned.check`). Nothing is repaired silently: a row is either kept as
read, kept with a ``changed`` entry that records old value and rule, or rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .errors import DataFileError

__all__ = [
    "LEDGER_COLUMNS",
    "Cleaned",
    "reject_rows",
    "validate_rows",
    "chain",
    "write_ledger",
    "empty_ledger",
    "ledger_entries",
    "change_entries",
    "record_changes",
    "relative_path",
    "root_relative",
]

LEDGER_COLUMNS = ["step", "file", "line", "column", "value", "rule", "reason", "action"]


def empty_ledger() -> pd.DataFrame:
    """Return a ledger frame with no entries and the canonical columns."""
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c == "line" else "string") for c in LEDGER_COLUMNS}
    )


def _entries(
    lines: Iterable[object],
    values: Iterable[object],
    *,
    step: str,
    file: str,
    column: str | None,
    rule: str,
    reason: str | Sequence[str],
    action: str = "rejected",
) -> pd.DataFrame:
    lines = list(lines)
    values = [
        "" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else str(v)
        for v in values
    ]
    reasons = [reason] * len(lines) if isinstance(reason, str) else list(reason)
    out = pd.DataFrame(
        {
            "step": step,
            "file": file,
            "line": pd.array([_as_line(x) for x in lines], dtype="Int64"),
            "column": column if column is not None else pd.NA,
            "value": values,
            "rule": rule,
            "reason": reasons,
            "action": action,
        },
        columns=LEDGER_COLUMNS,
    )
    return out.astype({c: "string" for c in LEDGER_COLUMNS if c != "line"})


def ledger_entries(
    lines: Iterable[object],
    values: Iterable[object],
    *,
    step: str,
    file: str | Path,
    column: str | None,
    rule: str,
    reason: str | Sequence[str],
    action: str = "rejected",
) -> pd.DataFrame:
    """Build ledger entries (columns :data:`LEDGER_COLUMNS`) for rows identified by ``lines``.

    Parameters
    ----------
    lines : iterable
        1-based source lines (header = line 1); non-integers become ``<NA>``.
    values : iterable
        The offending (or, for ``changed``, the original) cell values.
    step, file, column, rule : str
        Where and which rule.
    reason : str or sequence of str
        One reason for all, or one per entry.
    action : {"rejected", "changed"}
        ``rejected`` entries count against conservation; ``changed`` entries document a kept
        row whose value was rewritten.
    """
    if action not in ("rejected", "changed"):
        raise ValueError(f"action must be 'rejected' or 'changed', not {action!r}")
    lines = list(lines)
    reasons = reason if isinstance(reason, str) else list(reason)
    if not isinstance(reasons, str) and len(reasons) != len(lines):
        raise ValueError(f"rule {rule!r}: {len(reasons)} reasons for {len(lines)} entries")
    return _entries(
        lines,
        values,
        step=step,
        file=str(file),
        column=column,
        rule=rule,
        reason=reasons,
        action=action,
    )


def change_entries(
    lines: Iterable[object],
    old_values: Iterable[object],
    new_values: Iterable[object],
    *,
    step: str,
    file: str | Path,
    column: str,
    rule: str,
    reason: str | Sequence[str],
) -> pd.DataFrame:
    """Build ledger entries with ``action="changed"`` for values rewritten in kept rows.

    ``value`` is the original cell and the reason ends with ``"'old' -> 'new'"``, so the
    ledger alone shows what was rewritten into what.
    """
    lines, old_values, new_values = list(lines), list(old_values), list(new_values)
    reasons = [reason] * len(lines) if isinstance(reason, str) else list(reason)
    text = [
        f"{r}: {o!r} -> {str(n)!r}" for r, o, n in zip(reasons, old_values, new_values, strict=True)
    ]
    return ledger_entries(
        lines,
        old_values,
        step=step,
        file=file,
        column=column,
        rule=rule,
        reason=text,
        action="changed",
    )


def record_changes(
    frame: pd.DataFrame,
    column: str,
    new_values: pd.Series,
    *,
    step: str,
    file: str | Path,
    rule: str,
    reason: str | Sequence[str],
) -> Cleaned:
    """Replace ``frame[column]`` by ``new_values``; record a ``changed`` entry per differing cell.

    Missing values in ``new_values`` are an error (a change never deletes data; reject the
    row with :func:`reject_rows` instead). All rows are kept.
    """
    new_values = pd.Series(new_values, index=frame.index)
    if new_values.isna().any():
        raise ValueError(
            f"rule {rule!r}: new values contain missing values; reject those rows instead"
        )
    old = frame[column]
    differs = ~(old.astype("string") == new_values.astype("string")).fillna(False).astype(bool)
    reasons = (
        reason
        if isinstance(reason, str)
        else pd.Series(list(reason), index=frame.index)[differs].tolist()
    )
    ledger = change_entries(
        frame.index[differs.to_numpy()],
        old[differs],
        new_values[differs],
        step=step,
        file=file,
        column=column,
        rule=rule,
        reason=reasons,
    )
    kept = frame.copy()
    kept[column] = new_values
    return Cleaned(kept, ledger, step, len(frame)).check()


def _as_line(x: object) -> object:
    try:
        return int(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return pd.NA


@dataclass(frozen=True)
class Cleaned:
    """What a cleaning step kept and what it recorded.

    Attributes
    ----------
    kept : pandas.DataFrame
        Rows that passed, indexed by source line.
    ledger : pandas.DataFrame
        One row per rejected or changed cell with columns :data:`LEDGER_COLUMNS`. A row
        rejected by several rules has several entries but counts once.
    step : str
        Name of the cleaning step (also the ledger file name).
    rows_in : int
        Rows the step received.
    """

    kept: pd.DataFrame
    ledger: pd.DataFrame
    step: str
    rows_in: int

    @property
    def rows_rejected(self) -> int:
        """Distinct source rows with at least one ``rejected`` entry."""
        rej = self.ledger[self.ledger["action"] == "rejected"]
        return int(rej.drop_duplicates(["file", "line"]).shape[0])

    @property
    def rows_kept(self) -> int:
        """Rows in :attr:`kept`."""
        return int(len(self.kept))

    def check(self) -> Cleaned:
        """Raise unless rows_in = rows_kept + rows_rejected; return self for chaining."""
        if self.rows_in != self.rows_kept + self.rows_rejected:
            raise DataFileError(
                f"conservation check failed in step {self.step!r}: {self.rows_in} rows in, "
                f"{self.rows_kept} kept + {self.rows_rejected} rejected",
                hint="a cleaning rule dropped rows without a ledger entry; this is a coopstats bug",
            )
        return self

    def summary(self) -> pd.DataFrame:
        """Count rows per rule: ``step, rule, action, rows``."""
        if self.ledger.empty:
            return pd.DataFrame({"step": [], "rule": [], "action": [], "rows": []})
        g = self.ledger.groupby(["step", "rule", "action"], dropna=False)["line"].nunique()
        return g.rename("rows").reset_index()


def reject_rows(
    frame: pd.DataFrame,
    mask: pd.Series,
    *,
    step: str,
    file: str | Path,
    rule: str,
    reason: str | Sequence[str],
    column: str | None = None,
) -> Cleaned:
    """Split ``frame`` into rows kept (``~mask``) and ledger entries for rows where ``mask``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows indexed by source line.
    mask : pandas.Series of bool
        True for rows to reject; aligned with ``frame``. Missing values are an error.
    step, file, rule, reason, column
        Recorded in each ledger entry; ``reason`` may be one string per rejected row.

    Returns
    -------
    Cleaned
        ``kept`` has the rows of ``frame`` where ``mask`` is False, unchanged.
    """
    mask = pd.Series(mask, index=frame.index)
    if mask.isna().any():
        raise ValueError(f"rule {rule!r}: the rejection mask has missing values")
    mask = mask.astype(bool)
    bad = frame[mask]
    values = bad[column].tolist() if column is not None and column in bad else [""] * len(bad)
    ledger = _entries(
        bad.index, values, step=step, file=str(file), column=column, rule=rule, reason=reason
    )
    return Cleaned(frame[~mask], ledger, step, len(frame)).check()


def validate_rows(
    frame: pd.DataFrame,
    schema,
    *,
    step: str,
    file: str | Path,
) -> Cleaned:
    """Validate ``frame`` row by row with a pandera schema; quarantine every failing row.

    Column-level problems (a missing or unexpected column) concern the whole file and raise
    :class:`~coopstats.errors.DataFileError`; row-level failures (type, range, pattern,
    duplicate key) reject the row with the failed check as reason. Duplicate keys reject
    *every* copy: coopstats never keeps the first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows indexed by source line.
    schema : pandera.DataFrameSchema
        Usually from :mod:`coopstats.schemas`.

    Returns
    -------
    Cleaned
        ``kept`` is the validated (and coerced) frame.
    """
    import pandera.errors as pae

    file = str(file)
    ledgers = []
    remaining = frame
    # pandera skips value checks on a column whose coercion failed, so a second pass can find
    # new failures among the remaining rows: repeat until the rest validates (each pass removes
    # at least one row, so this ends).
    for _ in range(len(frame) + 1):
        try:
            kept = schema.validate(remaining, lazy=True)
            break
        except pae.SchemaErrors as exc:
            fc = exc.failure_cases
        rows = _failure_rows(fc, schema, file)
        ledgers.append(_failure_entries(rows, step=step, file=file))
        remaining = remaining[~remaining.index.isin(set(rows["index"].tolist()))]
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
    ledger = ledger.sort_values(["line", "column"], kind="stable").reset_index(drop=True)
    return Cleaned(kept, ledger, step, len(frame)).check()


def _failure_rows(fc: pd.DataFrame, schema, file: str) -> pd.DataFrame:
    """Row-level failure cases of a pandera SchemaErrors; frame-level problems raise."""
    whole = fc[fc["index"].isna()]
    frame_level = whole[
        whole["check"]
        .astype(str)
        .str.contains("column_in_dataframe|column_in_schema|multiple_fields", regex=True)
    ]
    if not frame_level.empty:
        first = frame_level.iloc[0]
        raise DataFileError(
            f"{len(frame_level)} column problem(s), first: {first['check']}",
            path=file,
            line=1,
            column=str(first["failure_case"]),
            hint=f"the header must have the columns {list(schema.columns)}",
        )
    rows = fc[fc["index"].notna()].copy()
    if rows.empty:  # e.g. a dtype check on a whole column that failed without row indices
        first = fc.iloc[0]
        raise DataFileError(
            f"check {first['check']} failed",
            path=file,
            column=str(first["column"]),
            value=first["failure_case"],
            hint="the column as a whole has the wrong type; coerce right after reading raw text",
        )
    return rows


def _reason(check: str) -> str:
    if check.startswith("coerce_dtype"):
        return f"wrong type: cannot convert to {check[len('coerce_dtype') :].strip('()')}"
    if check.startswith("dtype"):
        return f"wrong type: expected {check[len('dtype') :].strip('()')}"
    if check in ("field_uniqueness", "multiple_fields_uniqueness", "unique"):
        return "duplicate key: every copy is rejected (none is kept)"
    if check == "not_nullable":
        return "missing value in a required column"
    return f"failed check {check}"


def _failure_entries(rows: pd.DataFrame, *, step: str, file: str) -> pd.DataFrame:
    """Vectorised ledger entries for pandera failure cases (one per failing cell)."""
    rows = rows.assign(check=rows["check"].astype(str), column=rows["column"].astype(object))
    parts = []
    dup = rows["check"] == "multiple_fields_uniqueness"
    if dup.any():  # one entry per duplicated row, naming the whole key and its values
        d = rows[dup]
        cols = sorted(d["column"].astype(str).unique())
        keyed = d.assign(column=d["column"].astype(str)).pivot_table(
            index="index", columns="column", values="failure_case", aggfunc="first"
        )[cols]
        values = keyed.astype(str).agg("|".join, axis=1)
        parts.append(
            _entries(
                keyed.index.tolist(),
                values.tolist(),
                step=step,
                file=file,
                column="|".join(cols),
                rule="multiple_fields_uniqueness",
                reason=_reason("multiple_fields_uniqueness"),
            )
        )
        rows = rows[~dup]
    for (col, check), grp in rows.groupby(["column", "check"], dropna=False, sort=True):
        parts.append(
            _entries(
                grp["index"].tolist(),
                grp["failure_case"].tolist(),
                step=step,
                file=file,
                column=None if pd.isna(col) else str(col),
                rule=check,
                reason=_reason(check),
            )
        )
    return pd.concat(parts, ignore_index=True)


def chain(first: Cleaned, *then: Cleaned) -> Cleaned:
    """Compose consecutive steps: ``rows_in`` of the first, ``kept`` of the last, all entries."""
    steps = (first, *then)
    ledger = pd.concat([s.ledger for s in steps], ignore_index=True)
    return Cleaned(steps[-1].kept, ledger, first.step, first.rows_in).check()


def write_ledger(cleaned: Cleaned, out_dir: str | Path) -> Path:
    """Write the step's ledger to ``out_dir/<step>.csv`` (deterministic order); return the path.

    An empty ledger is still written (header only), so its absence means the step never ran.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{cleaned.step}.csv"
    ledger = cleaned.ledger.sort_values(
        ["file", "line", "column", "rule"], kind="stable", na_position="first"
    )
    ledger.to_csv(path, index=False, lineterminator="\n")
    return path


def relative_path(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` in POSIX form; its bare name when outside ``root``."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def root_relative(cleaned: Cleaned, raw: Path) -> Cleaned:
    """Return ``cleaned`` with its ledger's absolute file paths relative to the project root.

    The root is the folder holding ``data/raw`` (or ``raw``'s parent in another layout), so
    ``data/raw/wdi/X.csv`` is written the same in every clone: processed data are
    byte-identical wherever the repository lives.
    """
    root = raw.parent.parent if raw.parent.name == "data" else raw.parent
    ledger = cleaned.ledger.copy()
    ledger["file"] = [
        relative_path(Path(f), root) if isinstance(f, str) and Path(f).is_absolute() else f
        for f in ledger["file"]
    ]
    return replace(cleaned, ledger=ledger)
