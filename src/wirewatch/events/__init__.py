"""Events: PLOVER and ACLED types, actors, sizes, dates, locations, holding claims. Not built yet: issue #6.

The pipeline declares this stage (``wirewatch.pipeline.STAGES``) so that its order is checked; until it
is built, analyses carry an empty list for it.
"""
