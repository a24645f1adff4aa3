"""Stories across outlets (issue #7, in progress): near-duplicate articles and story clusters.

* :mod:`wirewatch.link.duplicates`: syndicated copies and re-publications, by MinHash over word 5-gram
  shingles (datasketch), by Jaccard similarity *and* by containment, so a shorter copy of a longer report is
  found too; copies point at a canonical article and never count as corroboration.
* :mod:`wirewatch.link.stories`: articles about the same real-world story, by average-link clustering of
  TF-IDF vectors over the article's words, its named entities (weighted) and its numbers, inside a block.

Not built yet: claim clusters, origins and independent-origin counts, contradictions, the store tables and
the ``stories`` / ``story`` commands (docs/link.md says what is there).
"""

from wirewatch.link.duplicates import Copy, find_copies
from wirewatch.link.stories import StoryFeatures, cluster, features

__all__ = ["Copy", "StoryFeatures", "cluster", "features", "find_copies"]
