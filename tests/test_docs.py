"""The docs say what the code does: the CLI reference is regenerated from --help and must match."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gen_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cli_reference_is_current() -> None:
    gen = _gen_module()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == gen.render(), (
        "docs/cli.md is stale: run `python scripts/gen_cli_docs.py`"
    )


def test_readme_starts_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert first_block is not None
    assert "make run" in first_block.group(1) and "make test" in first_block.group(1)


def test_every_command_in_the_readme_exists() -> None:
    gen = _gen_module()
    known = {path.split(" ", 1)[1].split(" ")[0] for path, _ in gen.commands(gen.main, "wirewatch")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set(re.findall(r"^\$ wirewatch ([a-z][a-z-]*)", readme, re.M))
    assert used and used <= known, used - known
