"""Events: typed, dated, located, with actors and the claims that hold them (docs/events.md).

:func:`wirewatch.events.extract.extract` turns a parsed article, its claims and its places into
interchange-format ``Event`` dicts: a PLOVER 2.0 type and mode, the ACLED event type and sub-event type for
violent and strategic events, actors with country and sector, size, fatalities and injuries, a normalised
date with ACLED's ``time_precision``, the places it happened at with ACLED's ``geo_precision``, modality
flags, and the claims that hold it. The taxonomy, triggers, instruments and actors are data files in
``events/data/`` read by :mod:`wirewatch.events.lexicon`; dates are :mod:`wirewatch.events.when`, counts
:mod:`wirewatch.events.numbers`.
"""
