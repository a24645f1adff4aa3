"""Stories across outlets: near-duplicates, clusters, independent-origin corroboration, denials.
Not built yet: issue #7.

The pipeline declares this stage (``wirewatch.pipeline.STAGES``) so that its order is checked; until it
is built, analyses carry an empty list for it.
"""
