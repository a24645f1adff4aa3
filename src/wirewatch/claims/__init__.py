"""Claims: who says what, citing whom, how sure. The pipeline's ``claims`` stage (docs/claims.md).

:func:`wirewatch.claims.attribution.extract` turns a parsed spaCy ``Doc`` into interchange-format ``Claim``
dicts: cue, content (in parts), sources, ``via`` relays, quote type, certainty, denials (``denies``) and
no-comment records (``asked_by``). :mod:`wirewatch.claims.sources` names, kinds and resolves sources;
:mod:`wirewatch.claims.certainty` grades certainty from the lexicons in ``claims/data/``.
"""
