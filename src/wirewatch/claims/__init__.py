"""Claims: who says what, citing whom, how sure (attribution, source chains, certainty). Issue #4.

Built so far: :mod:`wirewatch.claims.certainty` grades a claim's certainty (evidential, strength, polarity,
the hedge as written, and a probability band only where a named yardstick applies) from the lexicons in
``claims/data/``; :mod:`wirewatch.claims.attribution` is a first rule set for cue, source, content and
``via``. Neither is wired into the pipeline yet: it declares this stage (``wirewatch.pipeline.STAGES``) so
that its order is checked, and analyses carry an empty ``claims`` list.
"""
