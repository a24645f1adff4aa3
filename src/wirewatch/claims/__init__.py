"""Claims: who says what, citing whom, how sure (attribution, source chains, certainty). Issue #4.

Built so far: :mod:`wirewatch.claims.certainty` grades a claim's certainty (evidential, strength, polarity,
the hedge as written, and a probability band only where a named yardstick applies) from the lexicons in
``claims/data/``. Attribution (cue, source, content, chains) is not built yet: the pipeline declares this
stage (``wirewatch.pipeline.STAGES``) so that its order is checked, and analyses carry an empty ``claims``
list.
"""
