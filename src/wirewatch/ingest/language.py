"""Language identification with py3langid (its model ships inside the package: no download).

:func:`detect_language` returns an ISO 639-1 code and the detector's probability. A language the page
declares (``<html lang="...">``) is preferred only when the detector is unsure: below
:data:`CONFIDENT` probability, or on text too short to judge.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

__all__ = ["CONFIDENT", "MIN_LETTERS", "detect_language", "normalise_language_tag"]

logger = logging.getLogger(__name__)

CONFIDENT = 0.80  # detector probability above which a declared language is ignored
MIN_LETTERS = 20  # fewer letters than this: too short to detect
_SAMPLE_CHARS = 1500  # the detector reads this much of the text (speed; more rarely changes the answer)
_LEXIFIER = {"pcm": "en", "gcf": "fr", "gcr": "fr", "ht": "fr"}
"""Creoles and the language that gave them their words. Short English notes full of place names
("Russian forces shelled Stepove, Zaporizhia. Casualties unknown.") come out as Nigerian Pidgin at 0.71;
an unsure creole answer with its lexifier ranked next is read as the lexifier."""
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")


@functools.cache
def _identifier() -> Any:
    """The py3langid identifier with normalised probabilities, loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise_language_tag(tag: str | None) -> str | None:
    """``"en-US"`` → ``"en"``; ``None`` for anything that is not a language tag."""
    if not tag:
        return None
    m = _TAG.match(tag)
    return m.group(1).lower() if m else None


def detect_language(text: str, *, declared: str | None = None) -> tuple[str | None, float | None]:
    """``(language, probability)`` of ``text``; ``declared`` (BCP 47) wins only when detection is unsure.

    When the declared language wins, the probability returned is the detector's probability for it.
    Text with fewer than :data:`MIN_LETTERS` letters gives the declared language (or ``None``) and
    ``None`` as the score.
    """
    declared_code = normalise_language_tag(declared)
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return declared_code, None
    ranking = [(str(code), float(p)) for code, p in _identifier().rank(sample)[:2]]
    lang, prob = ranking[0]
    lexifier = _LEXIFIER.get(lang)
    if prob < CONFIDENT and lexifier is not None and len(ranking) > 1 and ranking[1][0] == lexifier:
        lang, prob = ranking[1]
    if declared_code is None:
        return lang, round(prob, 4)
    if prob >= CONFIDENT or lang == declared_code:
        return lang, round(prob, 4)
    declared_prob = next((float(p) for code, p in _identifier().rank(sample) if code == declared_code), None)
    if declared_prob is None:  # a language the model does not know: trust the page
        logger.debug("declared language %r unknown to the detector", declared_code)
        return declared_code, None
    return declared_code, round(declared_prob, 4)
