"""Exports of stored records: ACLED-compatible CSV (:mod:`.acled`), GeoJSON (:mod:`.geojson`), JSONL
(:mod:`.jsonl`), and the text and CSV tables of the listing commands (:mod:`.place_tables`,
:mod:`.event_tables`)."""
