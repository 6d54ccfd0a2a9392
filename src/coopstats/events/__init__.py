"""Cooperation events from Russian press releases: text -> events and figures.

Public API (models load lazily on first use, never at import):

- :func:`extract_events` (files or a folder -> :class:`ExtractionResult` with ``records``,
  ``events``, ``figures``, ``errors``, ``documents``),
- :func:`extract_text` (one text -> record dict),
- :func:`read_events_jsonl` (shipped structured output -> the same result),
- notebook views :func:`timeline`, :func:`country_sector_matrix`, :func:`link_figures_to_facts`,
- :func:`register` for ``coopstats events extract``.

Modules: ``reader`` (files, encodings, HTML via trafilatura), ``body`` (article body vs page
clutter: counters, tickers, stamps, menus, related links), ``nlp`` (natasha/pymorphy3),
``lexicon`` (data files and matcher), ``subjects`` (countries, sectors), ``dates``,
``figures``, ``organizations``,
``extract`` (records and frames), ``views`` (notebook helpers), ``cli``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cli import register

if TYPE_CHECKING:  # pragma: no cover
    from .extract import ExtractionResult, extract_events, extract_text, read_events_jsonl
    from .views import country_sector_matrix, link_figures_to_facts, timeline

__all__ = [
    "extract_events",
    "extract_text",
    "read_events_jsonl",
    "ExtractionResult",
    "timeline",
    "country_sector_matrix",
    "link_figures_to_facts",
    "register",
]

_LAZY = {
    "extract_events": "extract",
    "extract_text": "extract",
    "read_events_jsonl": "extract",
    "ExtractionResult": "extract",
    "timeline": "views",
    "country_sector_matrix": "views",
    "link_figures_to_facts": "views",
}


def __getattr__(name: str):
    """Import the heavy submodules (pandas, pandera) only when their names are used."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
