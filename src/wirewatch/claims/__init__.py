"""Claims: who says what, citing whom, how sure (attribution, source chains, certainty).
Not built yet: issue #4.

The pipeline declares this stage (``wirewatch.pipeline.STAGES``) so that its order is checked; until it
is built, analyses carry an empty list for it.
"""
