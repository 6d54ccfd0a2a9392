"""Notebook parameters: one frozen dataclass per report notebook, validated on creation.

A notebook's ``parameters`` cell and its dataclass declare the same names with the same
defaults (``tests/test_notebooks.py`` checks this); :func:`validate_params` checks a report
definition's values before anything executes, because papermill alone only warns about an
unknown name. Shared names get the same checks everywhere (see :class:`ReportParams`).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from .columns import BLOCS, ISO3_REGEX, SECTORS
from .errors import InvalidParameterError

__all__ = [
    "ReportParams",
    "FactsOverviewParams",
    "EventsParams",
    "GrowthParams",
    "LocalizationParams",
    "PriorityParams",
    "CstoDefenceParams",
    "RegionalParams",
    "ProgrammesParams",
    "CriticalMaterialsParams",
    "BilateralTurnoverParams",
    "GravityParams",
    "EventStudyParams",
    "NOTEBOOK_PARAMS",
    "params_class",
    "validate_params",
]

_ISO3 = re.compile(ISO3_REGEX)
_YEAR_MIN, _YEAR_MAX = 1988, 2100


def _type_ok(value: object, hint: object) -> bool:
    origin = typing.get_origin(hint)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint in (str, bool):
        return isinstance(value, hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_type_ok(v, item) for v in value)
    if origin is dict:
        key, item = typing.get_args(hint)
        return isinstance(value, dict) and all(
            _type_ok(k, key) and _type_ok(v, item) for k, v in value.items()
        )
    if origin is Literal:
        return value in typing.get_args(hint)
    raise TypeError(f"unsupported parameter annotation {hint!r}")  # a coopstats bug


def _type_name(hint: object) -> str:
    if typing.get_origin(hint) is Literal:
        return f"one of {list(typing.get_args(hint))}"
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


@dataclass(frozen=True)
class ReportParams:
    """Base of the notebook parameter sets; validates types and shared names on creation.

    Subclasses declare one field per name of the notebook's ``parameters`` cell, with the
    same defaults (``tests/test_notebooks.py`` checks this). Shared names get the same checks
    everywhere: ``bloc`` in :data:`coopstats.columns.BLOCS`; ``sector``/``sectors`` in
    :data:`coopstats.columns.SECTORS`; ``*_iso3`` ISO 3166 alpha-3; ``start_year <= end_year``
    within 1988-2100; ``*_share`` and ``hhi*_threshold`` in [0, 1], other ``*_threshold``
    >= 0; fingerprints are 64 hex digits or
    empty (a run by hand outside ``coopstats report``); ``language`` in
    :data:`coopstats.text.LANGUAGES` (``coopstats report`` builds every report in each).

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the value and what is allowed.
    """

    notebook: ClassVar[str] = ""

    data_fingerprint: str = ""  # SHA-256 over the input files, set by `coopstats report`
    code_fingerprint: str = ""  # SHA-256 over the coopstats package, set by `coopstats report`
    language: str = "en"  # "en" or "ru": titles, labels, table headers and prose (coopstats.text)

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not _type_ok(value, hints[f.name]):
                raise InvalidParameterError(
                    f.name,
                    value,
                    why=f"expected {_type_name(hints[f.name])} in notebook {self.notebook}",
                )
            self._check_named(f.name, value)
        start, end = getattr(self, "start_year", None), getattr(self, "end_year", None)
        if start is not None and end is not None and start > end:
            raise InvalidParameterError(
                "start_year", start, why=f"must not be after end_year={end}"
            )
        self._check()
        from .text import set_page_language

        set_page_language(self.language)  # tables and figures of the page follow it

    def _check_named(self, name: str, value: object) -> None:
        if name.endswith("_fingerprint"):
            if value and not re.fullmatch(r"[0-9a-f]{64}", str(value)):
                raise InvalidParameterError(name, value, why="a SHA-256 hex digest or empty")
        elif name == "language":
            from .text import check_language

            check_language(str(value))
        elif name == "bloc":
            if value not in BLOCS:
                raise InvalidParameterError(name, value, list(BLOCS))
        elif name == "as_of":
            from .membership import AS_OF

            if value not in AS_OF:
                raise InvalidParameterError(
                    name, value, list(AS_OF), why="the membership rule (coopstats.membership.AS_OF)"
                )
        elif name == "extra_share_threshold":
            if not 0 <= float(value) <= 1:
                raise InvalidParameterError(name, value, why="a share in [0, 1]")
        elif name in ("sector", "sectors"):
            bad = [v for v in ([value] if isinstance(value, str) else value) if v not in SECTORS]
            if bad:
                raise InvalidParameterError(name, bad if len(bad) > 1 else bad[0], list(SECTORS))
            if name == "sectors" and (not value or len(set(value)) != len(value)):
                raise InvalidParameterError(name, value, why="a non-empty list without repeats")
        elif name.endswith("_iso3"):
            if not _ISO3.match(str(value)):
                raise InvalidParameterError(
                    name, value, why="an ISO 3166 alpha-3 code such as 'BLR'"
                )
        elif name.endswith("_year"):
            if not _YEAR_MIN <= int(value) <= _YEAR_MAX:
                raise InvalidParameterError(name, value, why=f"a year in {_YEAR_MIN}..{_YEAR_MAX}")
        elif name.endswith("_share") or (name.startswith("hhi") and name.endswith("_threshold")):
            if not 0 <= float(value) <= 1:
                raise InvalidParameterError(name, value, why="a share in [0, 1]")
        elif name.endswith("_threshold"):
            if not float(value) >= 0:
                raise InvalidParameterError(name, value, why="a non-negative number")

    def _check(self) -> None:
        """Notebook-specific checks; subclasses override."""

    def as_dict(self) -> dict[str, Any]:
        """Parameter values in field order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class FactsOverviewParams(ReportParams):
    """Parameters of ``notebooks/00_facts_overview.ipynb`` (mutual trade from the facts table)."""

    notebook: ClassVar[str] = "00_facts_overview.ipynb"

    bloc: str = "EAEU"
    metric: str = "mutual_trade_turnover"
    currency: Literal["USD", "RUB"] = "USD"
    start_year: int = 2015
    end_year: int = 2024
    facts_path: str = "../data/raw/facts/facts.csv"

    def _check(self) -> None:
        if not re.fullmatch(r"[a-z0-9_]+", self.metric):
            raise InvalidParameterError(
                "metric", self.metric, why="a snake_case metric of facts.csv"
            )


@dataclass(frozen=True)
class EventsParams(ReportParams):
    """Parameters of ``notebooks/01_cooperation_events.ipynb`` (press releases -> events)."""

    notebook: ClassVar[str] = "01_cooperation_events.ipynb"

    texts_dir: str = "../examples/press_releases/texts"
    demo_texts: bool = True
    events_path: str = ""
    facts_path: str = "../data/raw/facts/facts.csv"
    link_rtol: float = 0.005
    link_same_period: bool = True

    def _check(self) -> None:
        if not 0 <= self.link_rtol < 0.1:
            raise InvalidParameterError(
                "link_rtol", self.link_rtol, why="a relative tolerance in [0, 0.1)"
            )


@dataclass(frozen=True)
class GrowthParams(ReportParams):
    """Parameters of ``notebooks/02_growth.ipynb`` (growth of intra-bloc trade by sector)."""

    notebook: ClassVar[str] = "02_growth.ipynb"

    bloc: str = "EAEU"
    sectors: list[str] = field(default_factory=lambda: ["microelectronics", "machine_tools"])
    exporter_iso3: str = "BLR"
    importer_iso3: str = "RUS"
    start_year: int = 2015
    end_year: int = 2024
    break_year: int = 2022
    processed_dir: str = "../data/processed"
    facts_path: str = "../data/raw/facts/facts.csv"
    as_of: str = "year_end"
    inference: Literal["ols", "hac_fixed_b"] = "ols"

    def _check(self) -> None:
        if not self.start_year < self.break_year <= self.end_year:
            raise InvalidParameterError(
                "break_year",
                self.break_year,
                why=f"must lie after start_year={self.start_year} "
                f"and not after end_year={self.end_year}",
            )


@dataclass(frozen=True)
class LocalizationParams(ReportParams):
    """Parameters of ``notebooks/03_localization.ipynb`` (bloc self-reliance and dependence)."""

    notebook: ClassVar[str] = "03_localization.ipynb"

    bloc: str = "EAEU"
    sectors: list[str] = field(default_factory=lambda: ["microelectronics", "machine_tools"])
    start_year: int = 2015
    end_year: int = 2024
    hhi_imports_threshold: float = 0.4
    hhi_world_threshold: float = 0.4
    ratio_threshold: float = 1.0
    top_suppliers: int = 8
    processed_dir: str = "../data/processed"
    as_of: str = "year_end"
    criteria: Literal["geodep", "ec"] = "geodep"
    extra_share_threshold: float = 0.5

    def _check(self) -> None:
        if not 1 <= self.top_suppliers <= 50:
            raise InvalidParameterError("top_suppliers", self.top_suppliers, why="between 1 and 50")


@dataclass(frozen=True)
class PriorityParams(ReportParams):
    """Parameters of ``notebooks/04_sector_priority.ipynb`` (composite sector priority)."""

    notebook: ClassVar[str] = "04_sector_priority.ipynb"

    #: Indicators the notebook computes per sector (keys allowed in ``weights``).
    INDICATORS: ClassVar[tuple[str, ...]] = (
        "intra_bloc_share_pct",
        "intra_bloc_cagr_pct",
        "extra_bloc_hhi",
        "dependent_share_pct",
    )

    bloc: str = "EAEU"
    sectors: list[str] = field(
        default_factory=lambda: [
            "microelectronics",
            "machine_tools",
            "advanced_materials",
            "optics",
            "uav",
        ]
    )
    start_year: int = 2015
    end_year: int = 2024
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "intra_bloc_share_pct": 1.0,
            "intra_bloc_cagr_pct": 1.0,
            "extra_bloc_hhi": 1.0,
            "dependent_share_pct": 1.0,
        }
    )
    method: Literal["zscore", "minmax", "rank"] = "zscore"
    top_k: int = 2
    stability_draws: int = 500
    seed: int = 20240101
    processed_dir: str = "../data/processed"
    as_of: str = "year_end"

    def _check(self) -> None:
        unknown = sorted(set(self.weights) - set(self.INDICATORS))
        if unknown:
            raise InvalidParameterError(
                "weights", unknown, list(self.INDICATORS), why="unknown indicator"
            )
        if (
            not self.weights
            or any(w < 0 for w in self.weights.values())
            or sum(self.weights.values()) <= 0
        ):
            raise InvalidParameterError(
                "weights", self.weights, why="non-negative weights with a positive sum"
            )
        if len(self.sectors) < 2:
            raise InvalidParameterError("sectors", self.sectors, why="at least two sectors to rank")
        if not 1 <= self.top_k <= len(self.sectors):
            raise InvalidParameterError(
                "top_k", self.top_k, why=f"between 1 and the {len(self.sectors)} sectors"
            )
        if not 1 <= self.stability_draws <= 10_000:
            raise InvalidParameterError(
                "stability_draws", self.stability_draws, why="between 1 and 10000"
            )
        if self.end_year - self.start_year < 1:
            raise InvalidParameterError(
                "end_year", self.end_year, why="at least one year after start_year"
            )


@dataclass(frozen=True)
class CriticalMaterialsParams(ReportParams):
    """Parameters of ``notebooks/05_critical_materials.ipynb`` (blocs' critical materials)."""

    notebook: ClassVar[str] = "05_critical_materials.ipynb"
    blocs: list[str] = field(default_factory=lambda: ["EAEU", "CIS", "CSTO"])
    start_year: int = 2022
    end_year: int = 2024
    hhi_imports_threshold: float = 0.4
    dependent_share_pct: float = 90.0
    dataset: str = "BACI_HS17_V202601"
    processed_dir: str = "../data/processed"

    def _check(self) -> None:
        bad = [b for b in self.blocs if b not in BLOCS]
        if bad or not self.blocs or len(set(self.blocs)) != len(self.blocs):
            raise InvalidParameterError(
                "blocs", bad or self.blocs, list(BLOCS), why="a non-empty list without repeats"
            )
        if not 0 <= self.dependent_share_pct <= 100:
            raise InvalidParameterError(
                "dependent_share_pct", self.dependent_share_pct, why="a percent in [0, 100]"
            )
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", self.dataset):
            raise InvalidParameterError(
                "dataset", self.dataset, why="a dataset name such as BACI_HS17_V202601"
            )


@dataclass(frozen=True)
class BilateralTurnoverParams(ReportParams):
    """Parameters of ``notebooks/06_bilateral_turnover.ipynb`` (a pair's turnover, facts)."""

    notebook: ClassVar[str] = "06_bilateral_turnover.ipynb"
    country_iso3: str = "BLR"
    partner_iso3: str = "RUS"
    start_year: int = 2015
    end_year: int = 2024
    facts_path: str = "../data/raw/facts/facts.csv"

    def _check(self) -> None:
        if self.country_iso3 == self.partner_iso3:
            raise InvalidParameterError(
                "partner_iso3", self.partner_iso3, why="must differ from country_iso3"
            )


@dataclass(frozen=True)
class CstoDefenceParams(ReportParams):
    """Parameters of ``notebooks/10_csto_defence.ipynb`` (CSTO defence industry, dual use)."""

    notebook: ClassVar[str] = "10_csto_defence.ipynb"

    bloc: str = "CSTO"
    start_year: int = 2015
    end_year: int = 2024
    processed_dir: str = "../data/processed"
    facts_path: str = "../data/raw/facts/facts.csv"
    events_path: str = "../data/raw/events/seed_events.jsonl"


@dataclass(frozen=True)
class RegionalParams(ReportParams):
    """Parameters of ``notebooks/11_regional_cooperation.ipynb`` (sub-national actors)."""

    notebook: ClassVar[str] = "11_regional_cooperation.ipynb"

    regions_path: str = "../data/raw/regions/regional_cooperation.csv"
    facts_path: str = "../data/raw/facts/facts.csv"
    events_path: str = "../data/raw/events/seed_events.jsonl"


@dataclass(frozen=True)
class ProgrammesParams(ReportParams):
    """Parameters of ``notebooks/12_cooperation_programmes.ipynb`` (financing, materials)."""

    notebook: ClassVar[str] = "12_cooperation_programmes.ipynb"

    financing_facts: list[str] = field(default_factory=lambda: ["F121", "F122"])
    materials_sectors: list[str] = field(default_factory=lambda: ["advanced_materials"])
    facts_path: str = "../data/raw/facts/facts.csv"
    events_path: str = "../data/raw/events/seed_events.jsonl"

    def _check(self) -> None:
        bad = [f for f in self.financing_facts if not re.fullmatch(r"F\d{3,}", f)]
        if bad or not self.financing_facts:
            raise InvalidParameterError("financing_facts", bad or self.financing_facts,
                                        why="fact ids such as F121")
        bad = [s for s in self.materials_sectors if s not in SECTORS]
        if bad or not self.materials_sectors:
            raise InvalidParameterError("materials_sectors", bad or self.materials_sectors,
                                        list(SECTORS))


@dataclass(frozen=True)
class GravityParams(ReportParams):
    """Parameters of ``notebooks/07_gravity.ipynb`` (bloc effects on trade by PPML gravity)."""

    notebook: ClassVar[str] = "07_gravity.ipynb"

    blocs: list[str] = field(default_factory=lambda: ["EAEU", "UNION_STATE"])
    sectors: list[str] = field(
        default_factory=lambda: [
            "microelectronics",
            "machine_tools",
            "advanced_materials",
            "optics",
            "uav",
        ]
    )
    start_year: int = 2015
    end_year: int = 2024
    dataset: str = "SYNTHETIC_DEMO"
    processed_dir: str = "../data/processed"
    as_of: str = "year_end"

    def _check(self) -> None:
        bad = [b for b in self.blocs if b not in BLOCS]
        if bad or not self.blocs or len(set(self.blocs)) != len(self.blocs):
            raise InvalidParameterError(
                "blocs", bad or self.blocs, list(BLOCS), why="a non-empty list without repeats"
            )
        if "total" in self.sectors and len(self.sectors) > 1:
            raise InvalidParameterError(
                "sectors", self.sectors, why="'total' (all goods) stands alone"
            )
        if self.end_year <= self.start_year:
            raise InvalidParameterError(
                "end_year", self.end_year, why="at least one year after start_year"
            )
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", self.dataset):
            raise InvalidParameterError(
                "dataset", self.dataset, why="a dataset name such as BACI_HS17_V202601"
            )


@dataclass(frozen=True)
class EventStudyParams(ReportParams):
    """Parameters of ``notebooks/08_event_study.ipynb`` (did an event move a pair's trade?)."""

    notebook: ClassVar[str] = "08_event_study.ipynb"

    exporter_iso3: str = "BLR"
    importer_iso3: str = "RUS"
    both_directions: bool = True
    sector: str = "microelectronics"
    event_year: int = 2021
    event_label: str = "Union State: 28 union programmes adopted by the Supreme State Council"
    leads: int = 3
    lags: int = 2
    fixed_effects: Literal["pair+year", "exporter_year+importer_year+pair"] = "pair+year"
    start_year: int = 2015
    end_year: int = 2024
    dataset: str = "SYNTHETIC_DEMO"
    processed_dir: str = "../data/processed"
    events_path: str = "../data/raw/events/seed_events.jsonl"

    def _check(self) -> None:
        if self.exporter_iso3 == self.importer_iso3:
            raise InvalidParameterError(
                "importer_iso3", self.importer_iso3, why="must differ from exporter_iso3"
            )
        if not self.start_year < self.event_year <= self.end_year:
            raise InvalidParameterError(
                "event_year",
                self.event_year,
                why=f"after start_year={self.start_year}, not after end_year={self.end_year}",
            )
        if not 2 <= self.leads <= 10 or not 0 <= self.lags <= 10:
            raise InvalidParameterError(
                "leads", (self.leads, self.lags), why="leads in 2..10 and lags in 0..10"
            )
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", self.dataset):
            raise InvalidParameterError(
                "dataset", self.dataset, why="a dataset name such as BACI_HS17_V202601"
            )


#: Notebook file name -> its params dataclass.
NOTEBOOK_PARAMS: dict[str, type[ReportParams]] = {
    cls.notebook: cls
    for cls in (
        FactsOverviewParams,
        EventsParams,
        GrowthParams,
        LocalizationParams,
        PriorityParams,
        CstoDefenceParams,
        RegionalParams,
        ProgrammesParams,
        CriticalMaterialsParams,
        BilateralTurnoverParams,
        GravityParams,
        EventStudyParams,
    )
}


def params_class(notebook: str | Path) -> type[ReportParams]:
    """Return the params dataclass of ``notebook`` (file name, with or without ``.ipynb``)."""
    name = Path(notebook).name
    if not name.endswith(".ipynb"):
        name += ".ipynb"
    try:
        return NOTEBOOK_PARAMS[name]
    except KeyError:
        raise InvalidParameterError(
            "notebook",
            str(notebook),
            sorted(NOTEBOOK_PARAMS),
            why="no params dataclass is registered for it in coopstats.params.NOTEBOOK_PARAMS",
        ) from None


def validate_params(notebook: str | Path, params: Mapping[str, Any]) -> ReportParams:
    """Check ``params`` for ``notebook``; return the validated params object.

    Parameters
    ----------
    notebook
        Notebook file name (``"02_growth.ipynb"`` or ``"02_growth"``; folders are ignored).
    params
        Parameter values; omitted names take the notebook's defaults.

    Raises
    ------
    InvalidParameterError
        For a name the notebook does not declare (papermill would only warn and inject it
        anyway) or a value of the wrong type or out of range.
    """
    cls = params_class(notebook)
    names = [f.name for f in dataclasses.fields(cls)]
    for key, value in params.items():
        if key not in names:
            raise InvalidParameterError(
                key, value, names, why=f"unknown parameter of notebook {cls.notebook}"
            )
    return cls(**dict(params))
