"""Shared fixtures. Tests build their own small inputs; the example article ships with the package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def example_text() -> str:
    from wirewatch.cli import example_path

    return example_path().read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_DATA} is missing in CI")
        pytest.skip(f"{SHARED_DATA} is absent (a fresh clone has no ../shared/data)")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def fixture_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test resolves places against a small gazetteer built from tests/geo/fixtures (about a second),
    never the full packaged build in the user's data directory: ``$WIREWATCH_GAZETTEER`` names it for
    commands and spawned workers, and the default path points at it for code that builds Settings()."""
    from wirewatch.geo import build as gazetteer_build

    path = tmp_path_factory.mktemp("fixture-gazetteer") / "gazetteer.sqlite"
    dump = Path(__file__).parent / "geo" / "fixtures" / "geonames"
    gazetteer_build.build(path, geonames_dir=dump, packaged=False)
    patch = pytest.MonkeyPatch()
    patch.setenv("WIREWATCH_GAZETTEER", str(path))
    patch.setattr(gazetteer_build, "default_path", lambda: path)
    yield path
    patch.undo()
