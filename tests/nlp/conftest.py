"""Fixtures for the NLP stage: the model loads once per session; rule tests build blank pipelines."""

from __future__ import annotations

from importlib import resources

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from wirewatch import nlp


@pytest.fixture(scope="session")
def nk_text() -> str:
    """The bundled example article, exactly as shipped (curly quotes and all)."""
    path = resources.files("wirewatch") / "data" / "examples" / "nk-desertion-report.txt"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def model() -> Language:
    """The installed model with wirewatch's ruler (tests using it are marked ``model``)."""
    return nlp.load()


@pytest.fixture(scope="session")
def nk_doc(model: Language, nk_text: str) -> Doc:
    return model(nk_text)


@pytest.fixture(scope="session")
def blank() -> Language:
    """``spacy.blank("en")`` with the tokenizer fixes and the ruler, no statistical model."""
    pipeline = spacy.blank("en")
    nlp.add_ruler(pipeline)
    return pipeline
