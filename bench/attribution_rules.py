#!/usr/bin/env python3
"""The attribution rules (``wirewatch.claims.attribution``) alone on a PolNeAR split: the metrics of
``wirewatch eval attribution`` (which runs the whole pipeline) plus the rules' time as a fraction of the spaCy
pass over the same texts (``claims_stage_overhead``), without ingest or storage around them.

    python bench/attribution_rules.py [DIR] [--json]     # DIR defaults to ../shared/data/polnear/data/dev
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE.parent.parent / "shared" / "data" / "polnear" / "data" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    from wirewatch.claims.attribution import extract
    from wirewatch.eval.attribution import predictions_from_claims, read_split, score
    from wirewatch.nlp import load

    nlp = load()
    rows = []
    t_nlp = t_claims = 0.0
    for name, text, gold in read_split(args.directory):
        started = time.perf_counter()
        doc = nlp(text)  # the gold text verbatim: its offsets index doc.text
        t_nlp += time.perf_counter() - started
        started = time.perf_counter()
        claims = extract(doc, name)
        t_claims += time.perf_counter() - started
        rows.append((text, gold, predictions_from_claims(claims)))
    metrics = score(rows)
    metrics["claims_stage_overhead"] = round(t_claims / t_nlp, 4) if t_nlp else 0.0
    metrics["n_docs"] = len(rows)
    if args.json:
        print(json.dumps(metrics))
    else:
        for key, value in metrics.items():
            print(f"{key:<22} {value}")


if __name__ == "__main__":
    main()
