"""Readers of upstream data: one module per source; the only code that knows file formats.

Each reader returns canonical frames (see :mod:`coopstats.schemas`) and, where it cleans,
a :class:`coopstats.ledger.Cleaned` whose ledger lists every rejected row.
"""
