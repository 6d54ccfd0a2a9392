"""The one Russian morphology analyzer of the package (pymorphy3), shared by geo and events.

Loading pymorphy3's dictionaries takes about half a second and some 15 MB; :mod:`coopstats.geo`
(Russian country names) and :mod:`coopstats.events` (press releases) use this single
instance, loaded on first use.
"""

from __future__ import annotations

import functools

__all__ = ["russian_analyzer"]


@functools.lru_cache(maxsize=1)
def russian_analyzer():
    """Return the shared ``pymorphy3.MorphAnalyzer(lang="ru")`` (loaded once, lazily).

    >>> russian_analyzer().parse("Беларуси")[0].normal_form
    'беларусь'
    """
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")
