"""Stories across outlets (docs/link.md).

* :mod:`wirewatch.link.duplicates`: syndicated copies and re-publications, by MinHash over word 5-gram
  shingles (datasketch), by Jaccard similarity *and* by containment, so a shorter copy of a longer report is
  found too; copies point at a canonical article and never count as corroboration.
* :mod:`wirewatch.link.stories`: articles about the same real-world story, by average-link clustering of
  TF-IDF vectors over the article's words, its named entities (weighted) and its numbers, inside a block.
* :mod:`wirewatch.link.origins`: inside a story, claim clusters, their origins and independent-origin
  counts, denials and conflicting numbers: the Story record.
* :mod:`wirewatch.link.run`: ``wirewatch link``, one publication week at a time, only the weeks with new
  articles.
"""

from wirewatch.link.duplicates import Copy, find_copies
from wirewatch.link.stories import StoryFeatures, cluster, features

__all__ = ["Copy", "StoryFeatures", "cluster", "features", "find_copies"]
