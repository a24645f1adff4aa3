#!/usr/bin/env python3
"""Write docs/cli.md from the commands' own --help, so the reference cannot drift from the code.

python scripts/gen_cli_docs.py          # rewrite docs/cli.md
python scripts/gen_cli_docs.py --check  # exit 1 when docs/cli.md is out of date (tests run this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wirewatch.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"

INTRO = """# Command-line reference

Generated from `wirewatch --help` by `scripts/gen_cli_docs.py`; do not edit by hand.

Conventions: every command that reads or writes a database takes `--db PATH|URL` (default
`$WIREWATCH_DB`, else `./wirewatch.db`). With `--json`, stdout carries only JSON; progress bars and logs
go to stderr. Exit codes: 0 success (an ingest where everything was unchanged is a success), 1 when every
input failed, 2 for a usage error.
Errors are one line: `error: <input>: <what went wrong and what to do> [W123]`.
"""


def commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        out.append((f"{prefix} {name}", cmd))
        if isinstance(cmd, click.Group):
            out += commands(cmd, f"{prefix} {name}")
    return out


def render() -> str:
    parts = [INTRO]
    # contexts as the real command line builds them (main's context_settings, e.g. -h, reach subcommands)
    settings = {**main.context_settings, "terminal_width": 100, "max_content_width": 100}
    ctx = click.Context(main, info_name="wirewatch", **settings)
    parts.append("## wirewatch\n\n```\n" + main.get_help(ctx) + "\n```\n")
    for path, cmd in commands(main, "wirewatch"):
        sub = click.Context(cmd, info_name=path, **settings)
        parts.append(f"## {path}\n\n```\n{cmd.get_help(sub)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if DOC.read_text(encoding="utf-8") == text else 1)
    DOC.write_text(text, encoding="utf-8")
