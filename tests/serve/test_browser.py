"""The web app in real headless Chromium (Debian's chromium and chromedriver, which `make test` installs),
driven by Selenium against `wirewatch serve` running in a thread: the example article's events on the map, a
marker's popup with its source chain, the timeline brush, a correction made in the page reaching the CSV
export, and hostile article content shown as text without running anything.

Screenshots are saved under ``test-artifacts/browser/`` (or ``$WIREWATCH_TEST_ARTIFACTS``). Without Chromium
the tests skip, except with ``CI=true``, where a missing browser fails the run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wirewatch.records import RawDocument
from wirewatch.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = (
    Path(os.environ.get("WIREWATCH_TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts")) / "browser"
)
VENDOR = Path(__file__).parents[2] / "src" / "wirewatch" / "serve" / "static" / "vendor" / "leaflet.js"
# my own wording: a second report, two weeks earlier than the example, so that the timeline has a range
SEPTEMBER = (
    "On 1 September Russian missiles struck an energy facility in Kharkiv, the regional governor said. "
    "Two workers were killed and the city lost power for several hours."
)
CHAIN = "Ukrainian intelligence officials → Suspilne"

pytestmark = [pytest.mark.slow, pytest.mark.model]


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if not VENDOR.is_file():
        missing.append(f"{VENDOR} (make web)")
    if missing:
        reason = f"browser tests need {', '.join(missing)} (make test installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`wirewatch serve` on a free loopback port, in a thread, over ``db``."""

    def __init__(self, db: str) -> None:
        import uvicorn

        from wirewatch.serve.api import create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(Settings(db=db)), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _driver(tmp: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,1000", f"--user-data-dir={tmp}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _need_browser()
    driver = _driver(tmp_path_factory.mktemp("chromium-profile"))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def example_server(tmp_path_factory: pytest.TempPathFactory, example_text: str) -> Iterator[Server]:
    """The example article (2024-10-16) and a report of my own (2024-09-02), analysed by the pipeline."""
    _need_browser()
    from wirewatch.pipeline import run_batch
    from wirewatch.store import open_store

    db = str(tmp_path_factory.mktemp("browser") / "example.db")
    raws = [
        RawDocument(name="example", data=example_text.encode(), kind="text", published="2024-10-16"),
        RawDocument(name="september", data=SEPTEMBER.encode(), kind="text", published="2024-09-02"),
    ]
    with open_store(db) as store:
        report = run_batch([], store, Settings(db=db), raws=raws)
        assert report.counts["new"] == 2, report.outcomes
    with Server(db) as server:
        yield server


def _shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _wait(what: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _map_ready(driver: Any) -> Any:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.ID, "map")
    _wait(lambda: element.get_attribute("data-ready") == "1")
    return element


def _on_map(driver: Any) -> int:
    """How many points the visible map shows: single markers plus the counts on the cluster icons (read in
    one script: the map redraws its icons while it settles)."""
    return int(
        driver.execute_script(
            "const pane = document.querySelector('.leaflet-marker-pane');"
            "let n = pane.querySelectorAll('.ev').length;"
            "for (const c of pane.querySelectorAll('.marker-cluster')) n += parseInt(c.textContent, 10);"
            "return n;"
        )
    )


def _features(server: Server) -> list[dict[str, Any]]:
    return list(httpx.get(f"{server.url}/api/map").json()["features"])


def test_the_example_articles_events_are_on_the_map(browser: Any, example_server: Server) -> None:
    features = _features(example_server)
    browser.get(f"{example_server.url}/map")
    element = _map_ready(browser)
    _shot(browser, "map")
    assert int(element.get_attribute("data-shown")) == len(features) > 0
    assert _wait(lambda: _on_map(browser) == len(features))
    example = {f["properties"]["article"] for f in features if f["properties"]["date"] == "2024-10-16"}
    assert len(example) == 1  # the example's events are dated by its publication day and mapped
    # the offline base layer: the gazetteer's country outlines, drawn on a canvas
    assert int(_wait(lambda: element.get_attribute("data-outlines"), timeout=60)) > 100
    assert browser.find_elements("css selector", ".leaflet-overlay-pane canvas")


def test_clicking_a_marker_shows_its_source_chain(browser: Any, example_server: Server) -> None:
    from selenium.webdriver.common.by import By

    features = _features(example_server)
    browser.get(f"{example_server.url}/map")
    _map_ready(browser)
    events = {f["properties"]["event"] for f in features}
    held = [
        e
        for e in sorted(events)
        if any(
            " → ".join(c["chain"]).startswith(CHAIN)
            for c in httpx.get(f"{example_server.url}/api/events/{e}").json()["item"]["chains"]
        )
    ]
    assert held, "an event of the example is held by the intelligence officials' claim relayed by Suspilne"
    target = held[0]
    # the list row brings the marker out of its cluster and opens its popup; a click on the marker closes
    # that popup, the next click opens it again
    browser.find_element(By.CSS_SELECTOR, f'#shown tr[data-event="{target}"]').click()
    marker = _wait(
        lambda: [
            m
            for m in browser.find_elements(By.CSS_SELECTOR, f'.ev[data-event="{target}"]')
            if m.is_displayed()
        ]
    )[0]
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup .chains"))
    marker.click()
    _wait(lambda: not browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup"))
    marker.click()
    popup = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup .chains"))[0]
    _wait(lambda: CHAIN in popup.text)
    _shot(browser, "map-popup")
    assert "evidence" in browser.find_element(By.CSS_SELECTOR, ".leaflet-popup").text
    link = browser.find_element(By.CSS_SELECTOR, ".leaflet-popup a").get_attribute("href")
    assert link.startswith(f"{example_server.url}/articles/{target.split(':')[0]}")


def test_brushing_the_timeline_filters_the_map_and_the_list(browser: Any, example_server: Server) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    features = _features(example_server)
    days = sorted({f["properties"]["date"] for f in features})
    assert days[0] < "2024-10-01" <= days[-1]  # September's report and the example's October ones
    browser.get(f"{example_server.url}/map")
    element = _map_ready(browser)
    svg = browser.find_element(By.CSS_SELECTOR, "#timeline svg")
    width = svg.size["width"]
    # drag over the last fifth of the timeline: October only
    ActionChains(browser).move_to_element_with_offset(
        svg, int(width * 0.3), 0
    ).click_and_hold().move_by_offset(int(width * 0.19), 0).release().perform()
    lo, hi = _wait(lambda: element.get_attribute("data-range")).split("..")
    assert days[0] < lo <= hi
    kept = [f for f in features if lo <= f["properties"]["date"] <= hi]
    assert 0 < len(kept) < len(features)
    _wait(
        lambda: (
            element.get_attribute("data-ready") == "1"
            and int(element.get_attribute("data-shown")) == len(kept)
        )
    )
    assert _wait(lambda: _on_map(browser) == len(kept))
    rows = browser.find_elements(By.CSS_SELECTOR, "#shown tbody tr")
    assert {r.get_attribute("data-event") for r in rows} == {f["properties"]["event"] for f in kept}
    _shot(browser, "map-brushed")
    # the export link follows the brush: the CSV holds the kept events, no other
    link = browser.find_element(By.CSS_SELECTOR, '#exports a[data-format="csv"]').get_attribute("href")
    assert f"since={lo}" in link and f"until={hi}" in link
    rows = list(csv.DictReader(io.StringIO(httpx.get(link).text)))
    assert {f["properties"]["event"] for f in kept} <= {row["event_id_cnty"] for row in rows}
    assert all(lo <= row["event_date"] <= hi for row in rows)  # and nothing outside the range
    ActionChains(browser).double_click(svg).perform()
    _wait(lambda: int(element.get_attribute("data-shown")) == len(features))


def test_the_source_graph_links_relays_and_lists_a_nodes_claims(browser: Any, example_server: Server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{example_server.url}/sources")
    node = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, 'g.node[data-node="suspilne"]'))[0]
    edges = browser.find_elements(By.CSS_SELECTOR, "svg.graph path.edge title")
    assert any(
        e.get_attribute("textContent").startswith("Ukrainian intelligence officials → Suspilne")
        for e in edges
    )
    node.click()
    claims = browser.find_element(By.ID, "claims")
    _wait(lambda: CHAIN in claims.text)
    _shot(browser, "sources")
    assert browser.find_element(By.ID, "claims-title").text.startswith("Suspilne")


def test_the_ingest_form_runs_in_the_background_and_links_the_article(
    browser: Any, example_server: Server
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{example_server.url}/ingest")
    form = browser.find_element(By.CSS_SELECTOR, "form.ingest")
    form.find_element(By.NAME, "text").send_keys(
        "Border guards said a drone crossed into Sumy region overnight and fell near a farm. Nobody was hurt."
    )
    form.find_element(By.NAME, "title").send_keys("A drone near Sumy")
    form.find_element(By.NAME, "published").send_keys("2024-10-20")
    form.find_element(By.CSS_SELECTOR, "button").click()
    job = _wait(lambda: browser.find_elements(By.ID, "job"))[0]
    _wait(lambda: job.get_attribute("data-status") == "done", timeout=60)
    link = job.find_element(By.CSS_SELECTOR, "a.article")
    assert link.is_displayed() and "(new)" in job.text
    _shot(browser, "ingest")
    link.click()
    assert _wait(lambda: browser.find_element(By.TAG_NAME, "h1").text) == "A drone near Sumy"


def test_a_correction_made_in_the_page_shows_in_the_csv_export(browser: Any, example_server: Server) -> None:
    from selenium.webdriver.common.by import By

    def exported() -> set[str]:
        body = httpx.get(f"{example_server.url}/api/export", params={"format": "csv"}).text
        return {row["event_id_cnty"] for row in csv.DictReader(io.StringIO(body))}

    before = exported()
    target = sorted(e for e in before if e.endswith(":e1"))[0]
    browser.get(f"{example_server.url}/articles/{target.split(':')[0]}")
    browser.find_element(By.CSS_SELECTOR, f'span[data-ids~="{target}"]').click()
    panel = browser.find_element(By.ID, "record")
    form = _wait(
        lambda: panel.find_elements(By.CSS_SELECTOR, f'section[data-record="{target}"] form.correct')
    )[0]
    form.find_element(By.NAME, "why").send_keys("a duplicate of the first report")
    form.find_element(By.CSS_SELECTOR, 'button[data-action="reject"]').click()
    _wait(lambda: "saved" in form.find_element(By.CSS_SELECTOR, ".status").text)
    _shot(browser, "article-correction")
    assert exported() == before - {target}
    log = httpx.get(f"{example_server.url}/api/corrections", params={"target": target}).json()["items"]
    assert [(c["action"], c["why"], c["who"]) for c in log] == [
        ("reject", "a duplicate of the first report", "local")
    ]


def test_hostile_article_content_is_shown_as_text_and_runs_nothing(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from tests.serve.test_web import HOSTILE_TITLE, _hostile_db

    db = _hostile_db(tmp_path_factory.mktemp("hostile"))
    with Server(db) as server:
        browser.get_log("performance")  # drop what earlier tests logged
        for page in ("/", "/articles/eeee000000000001", "/sources", "/map"):
            browser.get(server.url + page)
            time.sleep(0.5)
            with pytest.raises(NoAlertPresentException):
                browser.switch_to.alert.text  # noqa: B018  (no dialog opened)
        browser.get(server.url + "/articles/eeee000000000001")
        assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
        text = browser.find_element(By.CSS_SELECTOR, "#article .text").text
        assert "<img src=x onerror=alert(1)>" in text and "<script>fetch('//evil.example')</script>" in text
        assert not browser.find_elements(
            By.CSS_SELECTOR, "#article img, #article script, a[href^='javascript:']"
        )
        browser.find_element(By.CSS_SELECTOR, "#article .text span.k-claim").click()
        _wait(lambda: "Officials" in browser.find_element(By.ID, "record").text)
        _shot(browser, "hostile-article")
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018
        requested = [
            json.loads(m["message"])["message"]["params"]["request"]["url"]
            for m in browser.get_log("performance")
            if json.loads(m["message"])["message"]["method"] == "Network.requestWillBeSent"
        ]
        assert requested and all(u.startswith(server.url) or u.startswith("data:") for u in requested), (
            requested
        )
        assert not any("evil.example" in u or u.startswith(server.url + "/x") for u in requested)


def teardown_module() -> None:
    # keep the screenshots, drop nothing else: the artefacts folder is the only output
    if ARTIFACTS.is_dir() and not any(ARTIFACTS.iterdir()):
        shutil.rmtree(ARTIFACTS)
