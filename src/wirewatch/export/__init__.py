"""CSV (ACLED-compatible), GeoJSON and JSONL exports. Not built yet."""
