"""The pipeline's ``geo`` stage: open the gazetteer once per process (building it on first use), then
resolve each parsed article's toponyms.

The gazetteer file is the ``gazetteer`` setting, or, when that is empty, ``gazetteer-v<N>.sqlite`` in the
user's data directory (:func:`wirewatch.geo.build.default_path`). When that default file is missing it is
built from the packaged data with a progress bar on stderr (about a minute; once per machine); a missing
file that the user named is an error (W601), never silently replaced.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from wirewatch.geo.gazetteer import Gazetteer, GazetteerError
from wirewatch.settings import Settings

__all__ = ["gazetteer_path", "open_default", "places_of"]

_LOCK = threading.Lock()
_OPEN: dict[Path, Gazetteer] = {}


def gazetteer_path(settings: Settings) -> Path:
    from wirewatch.geo.build import default_path

    return Path(settings.gazetteer).expanduser() if settings.gazetteer else default_path()


def open_default(settings: Settings, *, progress: bool = True) -> Gazetteer:
    """The gazetteer the settings name, opened once per process; the default one is built when missing."""
    path = gazetteer_path(settings)
    with _LOCK:
        gaz = _OPEN.get(path)
        if gaz is not None:
            return gaz
        if not path.exists():
            if settings.gazetteer:
                raise GazetteerError(
                    f"no gazetteer at {path} (the 'gazetteer' setting); build it with "
                    f"'wirewatch gazetteer build --output {path}'",
                    input=str(path),
                )
            _build_default(path, progress=progress)
        gaz = Gazetteer(path)
        _OPEN[path] = gaz
        return gaz


def _build_default(path: Path, *, progress: bool) -> None:
    from tqdm import tqdm

    from wirewatch.geo.build import build

    print(f"wirewatch: building the gazetteer (once) at {path}", file=sys.stderr)
    bar = tqdm(desc="gazetteer", file=sys.stderr, disable=not progress or None, dynamic_ncols=True)
    state = {"step": ""}

    def report(step: str, done: int, total: int) -> None:
        if step != state["step"]:
            state["step"] = step
            bar.set_description(f"gazetteer: {step}")
            bar.reset(total=total or None)
        bar.n = done
        bar.refresh()

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        build(path, progress=report)
    finally:
        bar.close()


def places_of(doc: Doc, article_id: str, settings: Settings) -> list[dict[str, Any]]:
    """The stage itself: the Place records of one parsed article."""
    from wirewatch.geo.resolve import places

    return places(doc, article_id, open_default(settings), demonyms=settings.geo_demonyms)
