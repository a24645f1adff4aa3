"""Places: an offline gazetteer and toponym resolution. Not built yet: issue #5.

The pipeline declares this stage (``wirewatch.pipeline.STAGES``) so that its order is checked; until it
is built, analyses carry an empty list for it.
"""
