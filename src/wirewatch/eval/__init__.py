"""``wirewatch eval KIND PATH``: score the pipeline on public gold sets (docs/evaluation.md)."""
