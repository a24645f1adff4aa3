"""The ``wirewatch`` command line: each command is a thin wrapper over one library function.

Conventions (docs/cli.md): ``--db PATH|URL`` on every command that touches a database (default
``$WIREWATCH_DB``, else ``./wirewatch.db``); with ``--json`` stdout carries only JSON and progress goes to
stderr; exit 0 on success, 1 when every input failed (or the command itself failed), 2 for a usage error.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

import wirewatch
from wirewatch.errors import UsageError, WirewatchError
from wirewatch.settings import Settings, load_settings
from wirewatch.store.base import ARTICLE_FIELDS

F = TypeVar("F", bound=Callable[..., Any])


def example_path() -> Path:
    """The bundled example article (scraped text of a news page, October 2024)."""
    return Path(str(resources.files("wirewatch") / "data" / "examples" / "nk-desertion-report.txt"))


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    try:
        return load_settings(overrides)
    except WirewatchError as e:
        raise click.UsageError(str(e), ctx) from e


def db_option(f: F) -> F:
    return click.option(
        "--db",
        metavar="PATH|URL",
        default=None,
        help="Database file or postgresql:// URL [default: $WIREWATCH_DB, else ./wirewatch.db].",
    )(f)


def allow_private_option(f: F) -> F:
    return click.option(
        "--allow-private",
        is_flag=True,
        default=None,
        help="Allow fetching private, loopback and link-local addresses (refused by default).",
    )(f)


def workers_option(f: F) -> F:
    return click.option(
        "--workers",
        "-w",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes for extraction and NLP; each loads the spaCy model once [default: 1].",
    )(f)


def link_option(f: F) -> F:
    return click.option(
        "--link/--no-link",
        "link",
        default=None,
        help="Then link the weeks that got articles into stories, as `wirewatch link` does "
        "[default: on with --dask, else off].",
    )(f)


def _link(
    store: Any, settings: Settings, quiet: bool, *, everything: bool = False, err: bool = False
) -> None:
    """Link ``store`` (incrementally, or ``everything``) with a progress bar, then a one-line summary."""
    from wirewatch.link.run import link_store

    with _progress(quiet) as bar:
        bar.set_description("link")

        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        report = link_store(store, threshold=settings.link_threshold, everything=everything, progress=tick)
    click.echo(
        f"linked {report.articles} articles in {len(report.blocks)} block(s): "
        f"{report.stories} stories, {report.copies} copies",
        err=err,
    )


def _link_after(store: Any, settings: Settings, report: Any, quiet: bool) -> None:
    """Link incrementally after a batch that stored something (the summary on stderr)."""
    if report.count("new") or report.count("updated"):
        _link(store, settings, quiet, err=True)


def dask_option(f: F) -> F:
    return click.option(
        "--dask",
        metavar="local[:N]|tcp://HOST:PORT",
        default=None,
        callback=_check_dask,
        help="Analyse on Dask workers instead: local[:N] starts a local cluster of N worker processes "
        "(1 thread each) [default N: the core count]; tcp://HOST:8786 uses a running scheduler "
        "(docs/scale.md). This process still reads the inputs and stores every article.",
    )(f)


def _check_dask(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from wirewatch.pipeline_dask import parse_target

    try:
        return parse_target(value)
    except UsageError as e:
        raise click.BadParameter(e.message, ctx, param) from e


def _dask_analyser(ctx: click.Context, target: Any, workers: int | None, settings: Settings) -> Any:
    """A context giving run_batch's ``analyser`` on the ``--dask`` cluster, or None without ``--dask``."""
    import contextlib

    if target is None:
        return contextlib.nullcontext(None)
    if workers is not None:
        raise click.UsageError("--workers and --dask exclude each other (use --dask local:N)", ctx)
    from wirewatch.pipeline_dask import dask_analyser, dask_client

    @contextlib.contextmanager
    def running() -> Any:
        with dask_client(target, settings) as client:
            yield dask_analyser(client, settings)

    return running()


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(err: WirewatchError) -> None:
    click.echo(f"error: {err}", err=True)
    sys.exit(2 if isinstance(err, UsageError) else 1)


class _Group(click.Group):
    """Turns any WirewatchError escaping a command into its one-line message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WirewatchError as e:
            _fail(e)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(wirewatch.__version__, prog_name="wirewatch")
@click.option("-v", "--verbose", count=True, help="Log more to stderr (-v info, -vv debug).")
def main(verbose: int) -> None:
    """wirewatch: conflict news into an auditable record of who claims what, citing whom, how sure,
    where and when.

    \b
    Start with:
      wirewatch analyze page.html            # one article, nothing stored
      wirewatch ingest pages/ feed.xml URL   # into ./wirewatch.db
      wirewatch articles --search Kursk
      wirewatch show ID
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # trafilatura and htmldate log every odd page at WARNING; they are not the user's problem
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(max(level, logging.ERROR))


@main.command()
@click.argument("source")
@click.option("--published", metavar="DATE", help="Publication date (YYYY-MM-DD) when the page has none.")
@click.option("--outlet", metavar="NAME", help="Outlet name when the page has none.")
@click.option("--url", metavar="URL", help="The page's address, when SOURCE is a file (sets the article id).")
@click.option("--json", "as_json", is_flag=True, help="Print the Analysis JSON (docs/data_format.md).")
@click.option("--full", is_flag=True, help="Show every paragraph in the readable summary.")
@allow_private_option
@click.pass_context
def analyze(
    ctx: click.Context,
    source: str,
    allow_private: bool | None,
    published: str | None,
    outlet: str | None,
    url: str | None,
    as_json: bool,
    full: bool,
) -> None:
    """Analyse one article (FILE, URL or - for stdin) and print it; nothing is stored.

    The summary ends with a "who said what" table: each claim's source(s), via chain, cue, certainty,
    quote type, what a denial denies, and an excerpt of the content.

    A feed or JSONL file yields one Analysis per item (one JSON object per line with --json).
    """
    import dataclasses

    from wirewatch.ingest.sources import InputFailure, read_sources
    from wirewatch.pipeline import analyze_raw
    from wirewatch.render import analysis_summary

    settings = _settings(ctx, allow_private=allow_private)
    failed = 0
    items = list(read_sources([source], settings))
    for item in items:
        if isinstance(item, InputFailure):
            click.echo(f"error: {item.error}", err=True)
            failed += 1
            continue
        raw = dataclasses.replace(
            item,
            published=item.published or published,
            outlet=item.outlet or outlet,
            url=item.url or url,
        )
        try:
            result = analyze_raw(raw, settings)
        except WirewatchError as e:
            if e.input is None:
                e.input = raw.name
            click.echo(f"error: {e}", err=True)
            failed += 1
            continue
        if as_json:
            text = json.dumps(result.to_dict(), ensure_ascii=False, indent=None if len(items) > 1 else 2)
            click.echo(text)
        else:
            click.echo(analysis_summary(result, paragraphs=None if full else 2))
    if not items or failed == len(items):
        sys.exit(1)


@main.command()
@click.argument("sources", nargs=-1)
@db_option
@workers_option
@dask_option
@link_option
@allow_private_option
@click.option("--published", metavar="DATE", help="Publication date for inputs that carry none.")
@click.option("--outlet", metavar="NAME", help="Outlet name for inputs that carry none.")
@click.option("--example", is_flag=True, help="Also ingest the bundled example article.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per input, then a summary.")
@click.option(
    "--show", "show_articles", is_flag=True, help="Then print each stored article, read back from the db."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def ingest(
    ctx: click.Context,
    sources: tuple[str, ...],
    db: str | None,
    workers: int | None,
    dask: Any,
    link: bool | None,
    allow_private: bool | None,
    published: str | None,
    outlet: str | None,
    example: bool,
    as_json: bool,
    show_articles: bool,
    quiet: bool,
) -> None:
    """Read SOURCES into the database: files, directories (recursive), - for stdin, http(s) URLs,
    RSS/Atom feeds (file or URL) and JSONL files.

    Every article is stored in its own transaction. Inputs already stored are reported unchanged and
    nothing is written; bad inputs get a one-line error and the batch goes on. Exits 1 only when every
    input failed.
    """
    from wirewatch.pipeline import Outcome, run_batch
    from wirewatch.store import open_store

    all_sources = list(sources) + ([str(example_path())] if example else [])
    if not all_sources:
        raise click.UsageError(
            "give at least one SOURCE (file, directory, URL, feed or -), or --example", ctx
        )
    settings = _settings(ctx, db=db, workers=workers, allow_private=allow_private)
    cluster = _dask_analyser(ctx, dask, workers, settings)
    listed = _Listed()
    with open_store(settings.db) as store, cluster as analyser, _progress(quiet) as bar:

        def on_outcome(o: Outcome) -> None:
            bar.update(1)
            bar.set_postfix_str(o.status, refresh=False)
            listed.add(o)
            if as_json:
                click.echo(json.dumps(_outcome_dict(o), ensure_ascii=False))
            elif o.status == "failed":
                bar.write(f"failed: {o.error}", file=sys.stderr)

        report = run_batch(
            all_sources,
            store,
            settings,
            published=published,
            outlet=outlet,
            on_outcome=on_outcome,
            analyser=analyser,
            keep=None if show_articles else 0,  # memory stays flat over millions of inputs
        )
        _print_report(report, settings, as_json=as_json, listed=listed)
        if link if link is not None else dask is not None:
            _link_after(store, settings, report, quiet)
        if show_articles and not as_json:
            from wirewatch.render import analysis_summary

            ids = dict.fromkeys(o.article_id for o in report.outcomes if o.article_id)
            for article_id in ids:
                stored = store.analysis(article_id)
                if stored is not None:
                    click.echo("")
                    click.echo(analysis_summary(stored), nl=False)
    if report.all_failed:
        sys.exit(1)


@main.command()
@db_option
@workers_option
@dask_option
@link_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def reprocess(
    ctx: click.Context, db: str | None, workers: int | None, dask: Any, link: bool | None, quiet: bool
) -> None:
    """Run the pipeline again on every stored input (from its kept raw bytes), e.g. after an upgrade.

    Articles whose analysis comes out the same are left untouched.
    """
    from wirewatch.pipeline import Outcome, run_batch
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db, workers=workers)
    cluster = _dask_analyser(ctx, dask, workers, settings)
    listed = _Listed()
    with open_store(settings.db) as store, cluster as analyser, _progress(quiet) as bar:

        def on_outcome(o: Outcome) -> None:
            bar.update(1)
            listed.add(o)
            if o.status == "failed":
                bar.write(f"failed: {o.error}", file=sys.stderr)

        report = run_batch(
            [],
            store,
            settings,
            command="reprocess",
            raws=store.raw_documents(),
            force=True,
            on_outcome=on_outcome,
            analyser=analyser,
            keep=0,
        )
        _print_report(report, settings, as_json=False, listed=listed)
        if link if link is not None else dask is not None:
            _link_after(store, settings, report, quiet)
    if report.all_failed:
        sys.exit(1)


@main.command()
@db_option
@click.option(
    "--search", "-s", metavar="QUERY", help="Full-text search over titles and text (SQLite FTS5 syntax)."
)
@click.option(
    "--status", type=click.Choice(["ok", "failed", "skipped"]), help="Only articles with this status."
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of article records (no text).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row (formula-safe).")
@click.pass_context
def articles(
    ctx: click.Context,
    db: str | None,
    search: str | None,
    status: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List stored articles, newest ingest last."""
    from wirewatch.render import articles_csv, articles_table
    from wirewatch.store import open_store

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv", ctx)
    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        rows = store.articles(search=search, status=status, limit=limit)
    if as_json:
        _echo_json([{k: r.get(k) for k in ARTICLE_FIELDS} for r in rows])
    elif as_csv:
        click.echo(articles_csv(rows, ARTICLE_FIELDS), nl=False)
    else:
        click.echo(articles_table(rows), nl=False)


@main.command(name="claims")
@db_option
@click.option(
    "--source",
    "-s",
    metavar="NAME",
    help="Claims whose source or relay (via) name contains NAME, ignoring case, e.g. --source suspilne.",
)
@click.option(
    "--kind",
    "-k",
    metavar="KIND",
    help="A claim kind (statement, denial, no_comment), e.g. --kind denial; or a source kind (outlet, "
    "government, military, intelligence, official, expert, person, organization, document, anonymous, "
    "unknown): claims with a source of that kind (relays don't count), e.g. --kind intelligence.",
)
@click.option(
    "--evidential",
    "-e",
    metavar="E",
    help="How the article presents it: asserted, reported, alleged or speculated, e.g. --evidential alleged.",
)
@click.option(
    "--denied", is_flag=True, help="Only claims that a stored denial rejects (its `denies` points at them)."
)
@click.option("--article", "-a", metavar="ID", help="Only this article's claims (ID may be a unique prefix).")
@click.option("--limit", metavar="N", type=click.IntRange(min=1), help="At most N claims.")
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON array of Claim records, each with its article id."
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, one claim a row (formula-safe).")
@click.pass_context
def claims_cmd(
    ctx: click.Context,
    db: str | None,
    source: str | None,
    kind: str | None,
    evidential: str | None,
    denied: bool,
    article: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List stored claims: who said what, relayed by whom, how sure. Filters combine (all must hold).

    \b
    Examples:
      wirewatch claims --source Suspilne          # said by, or relayed via, Suspilne
      wirewatch claims --kind denial              # denials (claim kinds: statement, denial, no_comment)
      wirewatch claims --kind intelligence        # claims whose source is an intelligence body
      wirewatch claims --evidential alleged       # asserted, reported, alleged or speculated
      wirewatch claims --denied                   # claims some stored denial rejects
      wirewatch claims --article 3f2a9c --csv > claims.csv

    The table shows, per claim, its source(s) [kind, country] → the via chain (in the order the claim
    travelled), the cue, the certainty (evidential/strength/polarity and the hedge as written), the quote
    type, what a denial denies, and an excerpt of the content. Claims are listed by article (ingest order),
    then in text order.
    """
    from wirewatch.render import claims_csv, claims_table
    from wirewatch.store import open_store
    from wirewatch.store.base import check_claim_filters

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv", ctx)
    check_claim_filters(kind=kind, evidential=evidential, limit=limit)
    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        if article is not None and store.article(article) is None:
            click.echo(
                f"error: {article}: no such article in {settings.db} (see `wirewatch articles`)", err=True
            )
            sys.exit(1)
        rows = store.claims(
            source=source, kind=kind, evidential=evidential, denied=denied, article=article, limit=limit
        )
    if as_json:
        _echo_json(rows)
    elif as_csv:
        click.echo(claims_csv(rows), nl=False)
    else:
        click.echo(claims_table(rows), nl=False)


@main.command(name="places")
@db_option
@click.option(
    "--country", "-c", metavar="CC", help="Only places in this country (ISO 3166 alpha-2, any case), e.g. UA."
)
@click.option(
    "--level",
    "-l",
    metavar="LEVEL",
    help="Only places of this level: continent, region, country, admin1, admin2, populated or feature.",
)
@click.option("--article", "-a", metavar="ID", help="Only this article's places (ID may be a unique prefix).")
@click.option("--limit", metavar="N", type=click.IntRange(min=1), help="At most N places (features).")
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON array of Place records, each with its article id."
)
@click.option(
    "--geojson",
    "as_geojson",
    is_flag=True,
    help="An RFC 7946 FeatureCollection of Points ([lon, lat]); unresolved places are left out.",
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, one place a row (formula-safe).")
@click.pass_context
def places_cmd(
    ctx: click.Context,
    db: str | None,
    country: str | None,
    level: str | None,
    article: str | None,
    limit: int | None,
    as_json: bool,
    as_geojson: bool,
    as_csv: bool,
) -> None:
    """List stored places: each toponym mention and where it resolved. Filters combine (all must hold).

    \b
    Examples:
      wirewatch places --country UA --level populated
      wirewatch places --article 3f2a9c
      wirewatch places --geojson > places.geojson     # open in QGIS, geojson.io, kepler.gl
      wirewatch places --csv > places.csv

    The table shows, per place, the mention as written, the gazetteer name, level, country, admin1,
    lat,lon (4 decimals; - when unresolved), a relative location ("near Donetsk"), the score and the
    article id's first 8 characters. Places are listed by article (ingest order), then in text order.
    With --geojson, places without coordinates are left out and their number is said on stderr.
    """
    from wirewatch.export.geojson import feature_collection, is_mappable
    from wirewatch.export.place_tables import places_csv, places_table
    from wirewatch.store import open_store
    from wirewatch.store.base import check_place_filters

    if sum((as_json, as_geojson, as_csv)) > 1:
        raise click.UsageError("choose one of --json, --geojson and --csv", ctx)
    check_place_filters(country=country, level=level, limit=limit)
    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        if article is not None and store.article(article) is None:
            click.echo(
                f"error: {article}: no such article in {settings.db} (see `wirewatch articles`)", err=True
            )
            sys.exit(1)
        filters: dict[str, Any] = {"country": country, "level": level, "article": article}
        if as_geojson:
            rows = store.places(**filters, resolved=True, limit=limit)
            unresolved = len(store.places(**filters, resolved=False))
        else:
            rows = store.places(**filters, limit=limit)
    if as_geojson:
        left_out = unresolved + sum(1 for r in rows if not is_mappable(r))
        if left_out:
            click.echo(f"{left_out} places left out of the GeoJSON: no usable coordinates", err=True)
        _echo_json(feature_collection(rows))
    elif as_json:
        _echo_json(rows)
    elif as_csv:
        click.echo(places_csv(rows), nl=False)
    else:
        click.echo(places_table(rows), nl=False)


def event_filter_options(f: F) -> F:
    """The filters ``events`` and ``export`` share (see :meth:`Store.events`)."""
    options = [
        click.option(
            "--type",
            "-t",
            "event_type",
            metavar="TYPE",
            help="Only events of this PLOVER type, any case: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, "
            "AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.",
        ),
        click.option(
            "--country",
            "-c",
            metavar="CC",
            help="Only events with an actor from, or a place in, this country (ISO 3166 alpha-2, any case).",
        ),
        click.option(
            "--since", metavar="DATE", help="Only events on or after DATE (YYYY-MM-DD), by the event date."
        ),
        click.option(
            "--until", metavar="DATE", help="Only events on or before DATE (YYYY-MM-DD), by the event date."
        ),
        click.option(
            "--article", "-a", metavar="ID", help="Only this article's events (ID may be a unique prefix)."
        ),
        click.option("--limit", metavar="N", type=click.IntRange(min=1), help="At most N events."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _count(n: int, one: str, many: str | None = None) -> str:
    """``1 event``, ``2 events``."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def _stored_events(
    db: str, filters: dict[str, Any], *, analyses: bool
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The events matching ``filters`` (checked first: a bad one is a usage error before the database is
    opened) and, when ``analyses``, the stored Analysis of each of their articles, in order of first use.
    An --article that names no article exits 1 with one line."""
    from wirewatch.store import open_store
    from wirewatch.store.base import check_event_filters

    check_event_filters(**{k: v for k, v in filters.items() if k != "article"})
    found: dict[str, Any] = {}
    with open_store(db) as store:
        article = filters.get("article")
        if article is not None and store.article(article) is None:
            click.echo(f"error: {article}: no such article in {db} (see `wirewatch articles`)", err=True)
            sys.exit(1)
        from wirewatch.corrections import corrected

        rows = corrected(store, store.events(**filters))  # analysts' corrections show in every export
        if analyses:
            for row in rows:
                aid = str(row.get("article"))
                if aid not in found:
                    found[aid] = store.analysis(aid)
    return rows, found


@main.command(name="events")
@db_option
@event_filter_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="A JSON array of Event records, each with its article id and the Place records it points at.",
)
@click.option(
    "--csv", "as_csv", is_flag=True, help="ACLED-compatible CSV, one event a row (as `export --format csv`)."
)
@click.pass_context
def events_cmd(
    ctx: click.Context,
    db: str | None,
    event_type: str | None,
    country: str | None,
    since: str | None,
    until: str | None,
    article: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List stored events: what happened, who did it to whom, when, where. Filters combine (all must hold).

    \b
    Examples:
      wirewatch events --type assault --country UA --since 2024-06-01
      wirewatch events --article 3f2a9c --json
      wirewatch events --csv > events.csv          # ACLED columns, then wirewatch's own

    The table shows, per event, its date (when.start, else when.end), PLOVER type/mode, ACLED sub-event
    type, the actors ("Russia (military) → Ukraine"), the places, fatalities, flags (alleged: held only by
    alleged or denied claims; negated; hypo: hypothetical; future) and the article id's first 8 characters.
    Events are listed by article (ingest order), then in text order. --since and --until are inclusive.
    """
    from wirewatch.export.acled import events_csv
    from wirewatch.export.event_tables import events_table

    if as_json and as_csv:
        raise UsageError("choose one of --json and --csv")
    filters: dict[str, Any] = {
        "type": event_type,
        "country": country,
        "since": since,
        "until": until,
        "article": article,
        "limit": limit,
    }
    settings = _settings(ctx, db=db)
    rows, analyses = _stored_events(settings.db, filters, analyses=as_csv)
    if as_json:
        _echo_json(rows)
    elif as_csv:
        click.echo(events_csv(rows, analyses), nl=False)
    else:
        click.echo(events_table(rows), nl=False)


@main.command(name="link")
@db_option
@click.option(
    "--all", "everything", is_flag=True, help="Link every block again, not only those with new articles."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def link_cmd(ctx: click.Context, db: str | None, everything: bool, quiet: bool) -> None:
    """Group stored articles into stories across outlets, find copies, count independent origins.

    \b
    Examples:
      wirewatch ingest pages/ && wirewatch link
      wirewatch link --all             # after changing the link_threshold setting

    Articles are linked by publication week: only the weeks that received articles since the last run are
    linked again, and each week's stories and copies are replaced in one transaction (docs/link.md).
    """
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        _link(store, settings, quiet, everything=everything)


@main.command(name="stories")
@db_option
@click.option("--since", metavar="YYYY-MM-DD", help="Stories last seen on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Stories first seen on or before this day.")
@click.option("--min-origins", type=click.IntRange(min=0), help="At least N independent origins.")
@click.option("--contested", is_flag=True, help="Only stories with a denied or contradicted claim.")
@click.option("--limit", type=click.IntRange(min=0), help="At most N stories.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of Story records.")
@click.pass_context
def stories_cmd(
    ctx: click.Context,
    db: str | None,
    since: str | None,
    until: str | None,
    min_origins: int | None,
    contested: bool,
    limit: int | None,
    as_json: bool,
) -> None:
    """List stories (run `wirewatch link` first): articles, outlets, independent origins, the lead claim.

    \b
    Examples:
      wirewatch stories --min-origins 2 --since 2026-02-01
      wirewatch stories --contested --json

    Newest first. The table shows each story's id, dates, articles / outlets / independent origins of its
    best-corroborated claim, "contested" when a claim is denied or contradicted, and its lead claim's origins.
    """
    from wirewatch.store import open_store
    from wirewatch.store.base import check_story_filters

    check_story_filters(since=since, until=until, min_origins=min_origins, limit=limit)
    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        rows = store.stories(
            since=since,
            until=until,
            min_origins=min_origins,
            contested=True if contested else None,
            limit=limit,
        )
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("no stories (run `wirewatch link` after ingesting)")
        return
    for s in rows:
        lead = (s.get("claim_clusters") or [{}])[0]
        when = f"{s.get('first_seen') or '?'}..{s.get('last_seen') or '?'}"
        flag = " contested" if s.get("contested") else ""
        origins = ", ".join(lead.get("origins") or []) or "-"
        click.echo(
            f"{s['id'][:10]}  {when:<22} {len(s['articles']):>3} art "
            f"{len(s.get('outlets') or []):>3} outlets {s.get('independent_origins', 0):>2} origins{flag}  "
            f"lead from: {origins}"
        )


@main.command(name="story")
@click.argument("story_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The Story record as JSON.")
@click.pass_context
def story_cmd(ctx: click.Context, story_id: str, db: str | None, as_json: bool) -> None:
    """One story: its timeline of reports, claim clusters with their origins, denials and contradictions,
    each with the evidence sentence.

    \b
    Example:
      wirewatch story s3f2a9c
    """
    from wirewatch.render import story_summary
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        story = store.story(story_id)
        if story is None:
            click.echo(
                f"error: {story_id}: no such story in {settings.db} (see `wirewatch stories`)", err=True
            )
            sys.exit(1)
        analyses = {aid: store.analysis(aid) for aid in story["articles"]}
    if as_json:
        _echo_json(story)
        return
    click.echo(story_summary(story, {k: v.to_dict() for k, v in analyses.items() if v is not None}), nl=False)


@main.command(name="merge-stories")
@click.argument("story_ids", nargs=-1, required=True)
@db_option
@click.option("--note", help="Why (kept with the decision).")
@click.pass_context
def merge_stories_cmd(
    ctx: click.Context, story_ids: tuple[str, ...], db: str | None, note: str | None
) -> None:
    """Merge two or more stories of one week into one: an analyst's decision, kept for every later link.

    \b
    Example:
      wirewatch merge-stories s3f2a9c s71b0e4 --note "same strike, two death tolls"
    """
    from wirewatch.link.overrides import merge_stories
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        _named_stories(store, story_ids, settings.db)
        merged, oid = merge_stories(store, settings, list(story_ids), note=note)
    click.echo(f"merged {len(set(story_ids))} stories into {merged} (override {oid})")


@main.command(name="split-story")
@click.argument("story_id")
@click.argument("articles", nargs=-1, required=True)
@db_option
@click.option("--note", help="Why (kept with the decision).")
@click.pass_context
def split_story_cmd(
    ctx: click.Context, story_id: str, articles: tuple[str, ...], db: str | None, note: str | None
) -> None:
    """Take articles out of a story into a story of their own: an analyst's decision, kept for every later
    link. Articles are named by id or unique id prefix.

    \b
    Example:
      wirewatch split-story s3f2a9c 93b9112c 5ac7a235 --note "a different strike"
    """
    from wirewatch.link.overrides import split_story
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        if store.story(story_id) is None:
            click.echo(
                f"error: {story_id}: no such story in {settings.db} (see `wirewatch stories`)", err=True
            )
            sys.exit(1)
        new, oid = split_story(store, settings, story_id, list(articles), note=note)
    click.echo(f"split {len(articles)} article(s) of {story_id} into {new} (override {oid})")


def _named_stories(store: Any, story_ids: tuple[str, ...], db: str) -> list[dict[str, Any]]:
    found = []
    for sid in story_ids:
        story = store.story(sid)
        if story is None:
            click.echo(f"error: {sid}: no such story in {db} (see `wirewatch stories`)", err=True)
            sys.exit(1)
        found.append(story)
    return found


@main.command(name="serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--public-read-only", is_flag=True, help="Off loopback without tokens: anyone may read, nobody may write."
)
@click.option(
    "--behind-tls",
    is_flag=True,
    help="Behind a TLS proxy: session cookies are Secure (sent over HTTPS only).",
)
@click.pass_context
def serve_cmd(
    ctx: click.Context, db: str | None, host: str, port: int, public_read_only: bool, behind_tls: bool
) -> None:
    """Serve the web app and its JSON API over the database: the map, timeline, source graph, articles
    with their evidence, stories, ingest form and corrections at http://HOST:PORT/, the API under /api
    (OpenAPI docs at /docs).

    \b
    Examples:
      wirewatch serve                                   # http://127.0.0.1:8000/, you act as analyst
      wirewatch token create --role viewer --name desk  # then every request needs a token
      wirewatch serve --host 0.0.0.0 --behind-tls       # a team's server; refuses to start without tokens

    On 127.0.0.1 with no token created, the local user acts as an analyst. Once a token exists, every
    request needs `Authorization: Bearer TOKEN`, and a browser logs in with a token at /login (a session
    cookie, 12 hours; set WIREWATCH_SESSION_SECRET to keep sessions across restarts). On any other address
    `serve` refuses to start without tokens, unless --public-read-only.
    """
    import gc
    import ipaddress
    import threading

    import uvicorn

    from wirewatch.serve.api import create_app
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError as e:
        raise UsageError(f"--host must be an IP address or localhost, not {host!r}") from e
    with open_store(settings.db) as store:
        has_tokens = bool([t for t in store.tokens() if t.get("revoked_at") is None])
    if not loopback and not has_tokens and not public_read_only:
        raise UsageError(
            f"refusing to serve on {host} without tokens: create one with `wirewatch token create --role "
            "analyst`, or pass --public-read-only"
        )
    click.echo(f"wirewatch on http://{host}:{port}/ (API docs at /docs) over {settings.db}", err=True)
    app = create_app(settings, loopback=loopback, public_read_only=public_read_only, https_only=behind_tls)
    # the map's offline base layer takes a couple of seconds to draw from the gazetteer: not on a first visit
    threading.Thread(target=app.state.warm_up, name="wirewatch-warm-up", daemon=True).start()
    # what is loaded now lives as long as the server: out of the collector's sight, a full collection no
    # longer walks it in the middle of a request (a list's p95 over 100,000 events: 118 -> ~60 ms)
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.group(name="db")
def db_group() -> None:
    """Whole databases: copy one between backends (SQLite file ↔ postgresql:// URL)."""


@db_group.command(name="copy")
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def db_copy(src: str, dst: str, quiet: bool) -> None:
    """Copy every table of SRC into the new or empty DST (each a file path or a postgresql:// URL), then
    check that every table has as many rows in DST as in SRC."""
    from tqdm import tqdm

    from wirewatch.store import open_store
    from wirewatch.store.copy import copy_database, table_counts

    if src.strip() == dst.strip():
        raise UsageError("SRC and DST are the same database")
    with open_store(src) as source, open_store(dst) as target:
        total = sum(table_counts(source).values())
        with tqdm(
            total=total, desc="copy", unit=" row", file=sys.stderr, disable=quiet or None, dynamic_ncols=True
        ) as bar:

            def progress(table: str, n: int) -> None:
                bar.set_postfix_str(table, refresh=False)
                bar.update(n)

            result = copy_database(source, target, progress=progress)
    width = max(map(len, result), default=0)
    for table, (before, after) in result.items():
        click.echo(f"{table:<{width}} {before:>9} → {after}")
    rows = sum(n for n, _ in result.values())
    click.echo(f"copied {rows} rows in {len(result)} tables; every count matches")


@main.group(name="token")
def token_group() -> None:
    """API tokens for `wirewatch serve`: create (shown once), list, revoke. Only a hash is stored."""


@token_group.command(name="create")
@db_option
@click.option(
    "--role", type=click.Choice(["viewer", "analyst", "admin"]), required=True, help="What it may do."
)
@click.option("--name", default="token", show_default=True, help="A label (who or what uses it).")
@click.pass_context
def token_create(ctx: click.Context, db: str | None, role: str, name: str) -> None:
    """Create a token; it is printed once, on stdout, and cannot be shown again."""
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        token_id, token = store.create_token(name, role)
    click.echo(f"token {token_id} ({role}, {name}); keep it, it is not shown again:", err=True)
    click.echo(token)


@token_group.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@click.pass_context
def token_list(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """List tokens (never their secrets)."""
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        rows = store.tokens()
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r.get("revoked_at") else "live"
        click.echo(f"{r['id']:>4}  {r['role']:<8} {r['name']:<20} created {r['created_at']}  {state}")


@token_group.command(name="revoke")
@click.argument("token_id", type=int)
@db_option
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int, db: str | None) -> None:
    """Revoke a token by its id (see `wirewatch token list`)."""
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        if not store.revoke_token(token_id):
            click.echo(f"error: no live token {token_id} in {settings.db}", err=True)
            sys.exit(1)
    click.echo(f"token {token_id} revoked")


@main.command(name="export")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["csv", "geojson", "jsonl"]),
    default="csv",
    show_default=True,
    help="csv: ACLED-compatible columns, one event a row; geojson: an RFC 7946 FeatureCollection, one Point "
    "per event and place; jsonl: the full Analysis of each article with a matching event, one a line.",
)
@click.option(
    "--out",
    "-o",
    metavar="FILE",
    default="-",
    help="Write to FILE (replaced whole, never left half-written); - is stdout [default: -].",
)
@db_option
@event_filter_options
@click.pass_context
def export_cmd(
    ctx: click.Context,
    fmt: str,
    out: str,
    db: str | None,
    event_type: str | None,
    country: str | None,
    since: str | None,
    until: str | None,
    article: str | None,
    limit: int | None,
) -> None:
    """Export stored events as ACLED-compatible CSV, GeoJSON or JSONL. Filters are those of `events`.

    \b
    Examples:
      wirewatch export --format csv --country UA --since 2024-06-01 --out ua.csv
      wirewatch export --format geojson --type assault -o assaults.geojson   # QGIS, kepler.gl, geojson.io
      wirewatch export --format jsonl --since 2024-06-01 > analyses.jsonl

    CSV columns: ACLED's (event_id_cnty, event_date, year, time_precision, disorder_type, event_type,
    sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, country,
    admin1, admin2, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities),
    then plover_type, plover_mode, claims, claim_chain, certainty, allegation, evidence, article_id,
    article_url. Text cells are formula-safe; fatalities is 0 when none is reported, as ACLED writes it.
    GeoJSON leaves out places without coordinates (their number is said on stderr). What was written is
    said on stderr, so stdout carries only the export.
    """
    from wirewatch.export.acled import events_csv
    from wirewatch.export.geojson import event_feature_collection
    from wirewatch.export.jsonl import analyses_jsonl, write_atomic

    filters: dict[str, Any] = {
        "type": event_type,
        "country": country,
        "since": since,
        "until": until,
        "article": article,
        "limit": limit,
    }
    settings = _settings(ctx, db=db)
    rows, analyses = _stored_events(settings.db, filters, analyses=fmt in ("csv", "jsonl"))
    chunks: list[str]
    if fmt == "csv":
        chunks = [events_csv(rows, analyses)]
        what = _count(len(rows), "event")
    elif fmt == "geojson":
        collection = event_feature_collection(rows)
        located = {f["properties"]["event_id"] for f in collection["features"]}
        unmapped = sum(1 for r in rows if r.get("id") not in located)
        if unmapped:
            click.echo(
                f"{_count(unmapped, 'event')} left out of the GeoJSON: no place with coordinates", err=True
            )
        chunks = [json.dumps(collection, ensure_ascii=False, indent=2) + "\n"]
        what = f"{_count(len(collection['features']), 'feature')} ({_count(len(rows) - unmapped, 'event')})"
    else:
        kept = [a for a in analyses.values() if a is not None]
        chunks = list(analyses_jsonl(kept))
        what = f"{_count(len(kept), 'analysis', 'analyses')} ({_count(len(rows), 'event')})"
    if out == "-":
        for chunk in chunks:
            click.echo(chunk, nl=False)
        click.echo(f"exported {what}", err=True)
    else:
        write_atomic(out, chunks)
        click.echo(f"exported {what} to {out}", err=True)


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the Place records as a JSON array.")
@click.pass_context
def geocode(ctx: click.Context, text: str, as_json: bool) -> None:
    """Find and resolve the places in TEXT (- reads stdin); nothing is stored.

    TEXT runs through the whole pipeline exactly as given (mention offsets index it). Each place is printed as
    "mention → name (level, country, admin1) lat,lon score", then its relative location, if any, and its
    runner-up gazetteer candidates, indented.

    \b
    Example:
      wirewatch geocode "Shelling was reported near Donetsk and in Kharkiv."
    """
    from wirewatch.pipeline import analyze_raw
    from wirewatch.records import RawDocument

    name = "<text>"
    if text == "-":
        name = "<stdin>"
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("no text to geocode; give TEXT, or - with the text on stdin", input=name)
    settings = _settings(ctx)
    # verbatim: a phrase is not a scraped page (no boilerplate to strip, no title line), and the mention
    # offsets then index TEXT exactly as given
    # declared in the first analysed language: "Kharkov" alone is too short for the language detector
    language = next((x.strip() for x in settings.languages.split(",") if x.strip()), None)
    raw = RawDocument(
        name=name, data=text.encode("utf-8"), kind="record", record_format="verbatim", language=language
    )
    result = analyze_raw(raw, settings)
    for stage in ("nlp", "geo"):
        if stage in result.skipped:
            click.echo(f"warning: {name}: the {stage} stage did not run ({result.skipped[stage]})", err=True)
    if as_json:
        _echo_json(list(result.places))
    else:
        from wirewatch.export.place_tables import geocode_lines

        click.echo(geocode_lines(result.places), nl=False)


@main.group(name="gazetteer")
def gazetteer_group() -> None:
    """Build and inspect the offline gazetteer that the geo stage resolves place names against."""


def _country_codes(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    """``--countries ua, RU`` → ``["UA", "RU"]``; anything but two-letter codes is a usage error."""
    if value is None:
        return None
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    bad = [c for c in codes if len(c) != 2 or not c.isascii() or not c.isalpha()]
    if bad or not codes:
        shown = ", ".join(bad) if bad else repr(value)
        raise click.BadParameter(
            f"give two-letter ISO 3166 country codes separated by commas, e.g. UA,RU (not {shown})",
            ctx,
            param,
        )
    return list(dict.fromkeys(codes))


def _gazetteer_path(ctx: click.Context, output: Path | None) -> Path:
    """``--output``, else the ``gazetteer`` setting, else the builder's default path."""
    if output is not None:
        return output
    from wirewatch.geo.build import default_path

    configured = _settings(ctx).gazetteer
    return Path(configured).expanduser() if configured else default_path()


def _not_a_gazetteer(path: Path) -> str | None:
    """Why ``path`` must not be overwritten without --force (not SQLite, or a wirewatch article database)."""
    import sqlite3

    if path.is_dir():
        return "is a folder"
    if not path.exists():
        return None
    with path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            return "is not a SQLite file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # damaged: rebuilding it is what the user wants
    return "is a wirewatch article database" if {"articles", "schema_migrations"} <= names else None


class _StageProgress:
    """The ``progress(stage, done, total)`` callback of the gazetteer builder, drawn on stderr.

    On a terminal the current stage's bar is redrawn in place; otherwise (a log, a pipe) each stage gets one
    line with its final count, so logs stay short.
    """

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._stage: str | None = None
        self._line = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self.close()
        self._stage = stage
        if total > 0:
            filled = min(20, max(0, done * 20 // total))
            self._line = f"{stage:<14} [{'#' * filled}{'.' * (20 - filled)}] {done:,}/{total:,}"
        else:
            self._line = f"{stage:<14} {done:,}"
        if self._tty:
            click.echo("\r" + self._line + "\x1b[K", err=True, nl=False)

    def close(self) -> None:
        """End the current stage's line (call once more when the build is over)."""
        if self._stage is not None:
            click.echo("" if self._tty else self._line, err=True)
        self._stage = None


def _level_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Counts per level, largest level first (PLACE_LEVELS order), then any other keys by name."""
    from wirewatch.store.base import PLACE_LEVELS

    known = [(k, counts[k]) for k in PLACE_LEVELS if k in counts]
    return known + sorted((k, v) for k, v in counts.items() if k not in PLACE_LEVELS)


@gazetteer_group.command(name="build")
@click.option(
    "--geonames",
    "geonames_dir",
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of GeoNames dump files you downloaded, to build from besides the data shipped in "
    "installed packages.",
)
@click.option(
    "--countries",
    metavar="CC,CC,...",
    callback=_country_codes,
    help="Only places in these countries (ISO 3166 alpha-2, comma-separated), e.g. UA,RU,BY [default: all].",
)
@click.option(
    "--output",
    "-o",
    metavar="PATH",
    type=click.Path(path_type=Path),
    help="The gazetteer file to write [default: the gazetteer setting, else the user data folder].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite PATH even when it is not a gazetteer (not SQLite, or a wirewatch article database).",
)
@click.pass_context
def gazetteer_build(
    ctx: click.Context,
    geonames_dir: Path | None,
    countries: list[str] | None,
    output: Path | None,
    force: bool,
) -> None:
    """Build the SQLite gazetteer the geo stage uses, offline, from packaged GeoNames data (and DIR).

    An existing gazetteer at PATH is rebuilt in place: the new file replaces it only once it is complete.
    Prints the path, the number of places per level, the number of names, the time taken and the size.
    """
    from wirewatch.geo.build import build

    path = _gazetteer_path(ctx, output)
    why = _not_a_gazetteer(path)
    if why == "is a folder" or (why is not None and not force):
        hint = "" if why == "is a folder" else "; pass --force to overwrite it anyway"
        raise UsageError(f"won't write the gazetteer here: the file {why}{hint}", input=str(path))
    existed = path.exists()
    progress = _StageProgress()
    try:
        report = build(path, geonames_dir=geonames_dir, countries=countries, packaged=True, progress=progress)
    finally:
        progress.close()
    built = Path(report.path)
    size = built.stat().st_size / 1_000_000 if built.exists() else 0.0
    click.echo(
        f"{'rebuilt' if existed else 'built'} gazetteer {built} ({size:.1f} MB) in {report.seconds:.1f}s"
    )
    rows = [*_level_counts(dict(report.counts)), ("names", report.n_names)]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        click.echo(f"  {key:<{width}} {value:>12,}")


@gazetteer_group.command(name="info")
@click.option("--json", "as_json", is_flag=True, help="Print path, size, meta and counts as one JSON object.")
@click.pass_context
def gazetteer_info(ctx: click.Context, as_json: bool) -> None:
    """Show the gazetteer in use: where it is, when and from what it was built (sources and licences),
    its schema version and how many places it holds per level."""
    from wirewatch.geo.gazetteer import Gazetteer

    path = _gazetteer_path(ctx, None)
    if not path.is_file():
        click.echo(f"error: {path}: no gazetteer here; build one with `wirewatch gazetteer build`", err=True)
        sys.exit(1)
    gazetteer = Gazetteer(path)
    try:
        meta = dict(gazetteer.meta)
        counts = _gazetteer_counts(gazetteer, path)
    finally:
        gazetteer.close()
    size = path.stat().st_size
    if as_json:
        _echo_json({"path": str(path), "size_bytes": size, "meta": meta, "counts": counts})
        return
    click.echo(f"{'path':<16} {path}")
    click.echo(f"{'size':<16} {size / 1_000_000:.1f} MB")
    first = [k for k in ("schema_version", "built_at") if k in meta]
    for key in [*first, *sorted(k for k in meta if k not in first)]:
        try:
            parts = json.loads(meta[key]) if meta[key].startswith("{") else None
        except ValueError:
            parts = None
        if isinstance(parts, dict):  # "sources": {"natural_earth": "public domain", ...}
            click.echo(key)
            for name, value in parts.items():
                click.echo(f"  {name:<14} {value}")
        else:
            click.echo(f"{key:<16} {meta[key]}")
    names = counts.pop("names", None)
    rows = _level_counts(counts) + ([] if names is None else [("names", names)])
    if rows:
        click.echo("counts")
    for key, value in rows:
        click.echo(f"  {key:<14} {value:>12,}")


def _gazetteer_counts(gazetteer: Any, path: Path) -> dict[str, int]:
    """Places per level and ``names``: from ``Gazetteer.counts`` (a dict, or a method returning one) when
    it has one, else counted in the file (its ``places.level`` and ``names`` tables); else empty."""
    import sqlite3

    found = getattr(gazetteer, "counts", None)
    if callable(found):
        found = found()
    if not isinstance(found, dict):
        found = {}
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                found.update(conn.execute("SELECT level, count(*) FROM places GROUP BY level").fetchall())
                found["names"] = conn.execute("SELECT count(*) FROM names").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error:
            pass
    counts: dict[str, int] = {}
    for key, value in found.items():
        try:
            counts[str(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return counts


@main.command()
@click.argument("article_id", metavar="ID")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the stored Analysis JSON.")
@click.option("--full", is_flag=True, help="Show every paragraph.")
@click.pass_context
def show(ctx: click.Context, article_id: str, db: str | None, as_json: bool, full: bool) -> None:
    """Show one stored article: metadata, text, entities and who said what (ID may be a unique prefix)."""
    from wirewatch.render import analysis_summary
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        result = store.analysis(article_id)
    if result is None:
        click.echo(
            f"error: {article_id}: no such article in {settings.db} (see `wirewatch articles`)", err=True
        )
        sys.exit(1)
    if as_json:
        _echo_json(result.to_dict())
    else:
        click.echo(analysis_summary(result, paragraphs=None if full else 2))


@main.group(name="eval")
def eval_group() -> None:
    """Score the pipeline on a public gold set; prints one flat JSON object of metrics with --json."""


@eval_group.command(name="extraction")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N pages (sorted by id).")
@click.pass_context
def eval_extraction(ctx: click.Context, directory: Path, as_json: bool, limit: int | None) -> None:
    """Article-text extraction against a ScrapingHub-format set (ground-truth.json + html/*.html.gz).

    Precision, recall and F1 are the benchmark's own: multisets of 4-gram token shingles per page,
    averaged over pages.
    """
    from wirewatch.eval.extraction import evaluate

    _echo_metrics(evaluate(directory, _settings(ctx), limit=limit), as_json=as_json)


@eval_group.command(name="attribution")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N articles (sorted by name).")
@click.pass_context
def eval_attribution(ctx: click.Context, directory: Path, as_json: bool, limit: int | None) -> None:
    """Attribution relations against a PolNeAR split (text/*.txt + attributions/*.ann, brat standoff).

    Token-overlap and exact F1 per role (cue, source, content), content_cov30_f1 and speaker_accuracy;
    predictions are the statement and denial claims that are not asserted. Texts are analysed verbatim.
    """
    from wirewatch.eval.attribution import evaluate

    _echo_metrics(evaluate(directory, _settings(ctx), limit=limit), as_json=as_json)


@eval_group.command(name="geo")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N articles (file order).")
@click.pass_context
def eval_geo(ctx: click.Context, file: Path, as_json: bool, limit: int | None) -> None:
    """Places against a GeoWebNews (GWN.xml) or LGL / TR-News XML file (the schema is read from the XML).

    NER precision, recall and F1 by span overlap; acc161_matched, acc161_e2e, acc25_e2e, acc_e2e_id (also
    crediting the same GeoNames id or country) and the mean and median error in km. Texts are analysed
    verbatim.
    """
    from wirewatch.eval.geo import evaluate

    _echo_metrics(evaluate(file, _settings(ctx), limit=limit), as_json=as_json)


@eval_group.command(name="cir")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N rows with a town.")
@click.pass_context
def eval_cir(ctx: click.Context, file: Path, as_json: bool, limit: int | None) -> None:
    """Geocoding of town names against the CIR Russia-Ukraine Monitor events.csv (town, province, lat/lon).

    acc25 and acc161 over all rows with a town, oracle25 (an exact-name gazetteer entry within 25 km: the
    ceiling of the packaged data), n_resolved and the misses by kind; without --json, the first 20 misses.
    """
    from wirewatch.eval.geo import evaluate_cir

    metrics, misses = evaluate_cir(file, _settings(ctx), limit=limit)
    _echo_metrics(metrics, as_json=as_json)
    if not as_json:
        for m in misses[:20]:
            km = "-" if m.km is None else f"{m.km} km"
            got = f"{m.got_name} ({m.got_country or '?'})" if m.got_name is not None else "nothing"
            click.echo(f"  {m.kind:<17} {m.entry:<8} {m.town}, {m.province or '-'} → {got}, {km}")


@eval_group.command(name="acled")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N rows (file order).")
@click.pass_context
def eval_acled(ctx: click.Context, file: Path, as_json: bool, limit: int | None) -> None:
    """Events against an ACLED CSV export, each row's notes analysed verbatim (published event_date + 7 days).

    One event per row (the first with an ACLED type, else the first): event and sub-event type, actor1's
    country and sector, admin1, acc161 / acc25 of where[0], the date, fatalities; without --json, the first 20
    wrong rows.
    """
    from wirewatch.eval.acled import evaluate as evaluate_acled

    metrics, wrong = evaluate_acled(file, _settings(ctx), limit=limit)
    _echo_metrics(metrics, as_json=as_json)
    if not as_json:
        for w in wrong[:20]:
            click.echo(w.line())


@eval_group.command(name="plover")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N sentences (file order).")
@click.pass_context
def eval_plover(ctx: click.Context, file: Path, as_json: bool, limit: int | None) -> None:
    """Event types against the PLOVER gold-standard records (JSON; 0.5b1 labels mapped to PLOVER 2.0).

    event_type_acc (the first typed event in text order), any_type_acc (any event of the gold type) and
    n_no_event; without --json, the ten commonest gold → predicted confusions. Texts are analysed verbatim.
    """
    from wirewatch.eval.plover import evaluate as evaluate_plover

    metrics, confusion = evaluate_plover(file, _settings(ctx), limit=limit)
    _echo_metrics(metrics, as_json=as_json)
    if not as_json:
        for (gold, predicted), count in confusion[:10]:
            click.echo(f"  {count:>4}  {gold} → {predicted}")


@eval_group.command(name="link")
@click.argument("directory", type=click.Path(exists=True, path_type=Path))
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="test", show_default=True,
              help="Which split of docs.jsonl to cluster and score; tune on dev, report test.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.pass_context
def eval_link(ctx: click.Context, directory: Path, split: str, as_json: bool) -> None:
    """Story clusters against a docs.jsonl gold set with a `cluster` per document (ECB+ stories).

    Each document is analysed verbatim and the split clustered as one block at the link_threshold setting;
    B-cubed and pairwise precision, recall and F1 against the gold clusters.
    """
    from wirewatch.eval.link import evaluate as evaluate_link

    metrics = evaluate_link(directory, _settings(ctx), split=None if split == "all" else split)
    _echo_metrics(metrics, as_json=as_json)


@main.command(name="watch")
@click.argument("feeds_file", metavar="FEEDS.txt", type=click.Path(dir_okay=False))
@click.option(
    "--every",
    default="15m",
    show_default=True,
    metavar="INTERVAL",
    help="How often each feed is polled: 30s, 15m, 2h, 1d or seconds. Failures back off from it.",
)
@click.option(
    "--delay",
    "host_delay",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    help="Least time between two requests to one host (a longer robots.txt Crawl-delay wins).",
)
@click.option("--once", is_flag=True, help="Poll every due feed once, then exit (for cron and tests).")
@click.option(
    "--no-link",
    is_flag=True,
    help="Don't link new articles into stories after each round of polls (run `wirewatch link` yourself).",
)
@db_option
@allow_private_option
@click.pass_context
def watch_cmd(
    ctx: click.Context,
    feeds_file: str,
    every: str,
    host_delay: float,
    once: bool,
    no_link: bool,
    db: str | None,
    allow_private: bool | None,
) -> None:
    """Poll the RSS/Atom feeds listed in FEEDS.txt (one URL a line, # comments) and ingest new items.

    Conditional GETs (ETag, Last-Modified), one request at a time per host, robots.txt honoured, failing
    feeds backed off (INTERVAL x 2^failures, at most a day). Feed state is kept in the database, so a
    restarted watcher resumes where it stopped; items already stored are never stored twice. After each
    round that stored articles, their weeks are linked into stories. Ctrl-C stops.
    Exits 1 with --once when every polled feed failed.
    """
    from wirewatch.ingest.watch import PollResult, Watcher, parse_every, read_feed_list
    from wirewatch.store import open_store

    try:
        interval = parse_every(every)
    except WirewatchError as e:
        raise click.BadParameter(e.message, ctx, param_hint="--every") from e
    urls = read_feed_list(feeds_file)
    if not urls:
        raise click.UsageError(f"{feeds_file} lists no feed URLs", ctx)
    settings = _settings(ctx, db=db, allow_private=allow_private)

    def on_poll(r: PollResult) -> None:
        if r.status == "failed":
            click.echo(f"{'failed':<12} {r.error} (next poll {r.next_poll})", err=True)
            return
        counts = ", ".join(f"{v} {k}" for k, v in r.report.counts.items() if v)
        extra = f" ({counts})" if counts else ""
        click.echo(f"{r.status:<12} {r.url}: {r.new} new items{extra}")

    def on_link(r: Any) -> None:
        click.echo(f"{'linked':<12} {r.articles} articles in {len(r.blocks)} week(s): {r.stories} stories")

    with (
        open_store(settings.db) as store,
        Watcher(
            store, settings, every=interval, host_delay=host_delay, link=not no_link, on_link=on_link
        ) as w,
    ):
        if not once:
            click.echo(f"watching {len(urls)} feeds every {every} into {settings.db}; Ctrl-C stops", err=True)
        try:
            results = w.run(urls, once=once, on_poll=on_poll)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
            return
    if once and results and all(r.status == "failed" for r in results):
        sys.exit(1)


@main.command(name="feeds")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the feeds' state as a JSON list.")
@click.pass_context
def feeds_cmd(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """List the feeds `wirewatch watch` polls: last success, last error, items seen, next poll."""
    from wirewatch.store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        feeds = store.feeds()
    if as_json:
        _echo_json(feeds)
        return
    if not feeds:
        click.echo(f"no feeds watched in {settings.db} (wirewatch watch FEEDS.txt)")
        return
    for f in feeds:
        click.echo(f["url"])
        click.echo(f"  last success  {f['last_success'] or 'never'}")
        if f["error_count"]:
            times = "1 time" if f["error_count"] == 1 else f"{f['error_count']} times"
            click.echo(f"  failing       {times} in a row; last at {f['last_error_at']}")
            click.echo(f"  last error    {f['last_error']}")
        elif f["last_error"]:
            click.echo(f"  last error    {f['last_error_at']}: {f['last_error']}")
        click.echo(f"  items seen    {f['items_seen']}")
        click.echo(f"  next poll     {f['next_poll'] or 'now'}")


@main.command(name="settings")
@click.option("--json", "as_json", is_flag=True, help="Print the effective settings as JSON.")
@click.pass_context
def settings_cmd(ctx: click.Context, as_json: bool) -> None:
    """Show every setting with its effective value (defaults → wirewatch.toml → WIREWATCH_* env)."""
    import dataclasses

    from wirewatch.settings import SETTINGS

    settings = _settings(ctx)
    values = dataclasses.asdict(settings)
    if as_json:
        _echo_json(values)
        return
    for s in SETTINGS:
        click.echo(f"{s.name:<22} {values[s.name]!r:<30} {s.help}")


# --- helpers ----------------------------------------------------------------------------------------------


def _progress(quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        desc="ingest",
        unit=" input",
        file=sys.stderr,
        disable=quiet or None,  # None: off when stderr is not a terminal
        dynamic_ncols=True,
    )


def _echo_metrics(metrics: dict[str, Any], *, as_json: bool) -> None:
    """An eval command's result: one flat JSON object, or one aligned ``key value`` line per metric."""
    if as_json:
        click.echo(json.dumps(metrics))
        return
    width = max(map(len, metrics), default=0)
    for key, value in metrics.items():
        click.echo(f"{key:<{width}} {value}")


def _outcome_dict(o: Any) -> dict[str, Any]:
    return {"input": o.name, "status": o.status, "id": o.article_id, "title": o.title, "error": o.error}


class _Listed:
    """The first ``LISTED`` stored inputs of a batch (new, updated or skipped), for its closing report."""

    SHOWN = frozenset({"new", "updated", "skipped"})
    LISTED = 20

    def __init__(self) -> None:
        self.first: list[Any] = []

    def add(self, o: Any) -> None:
        if o.status in self.SHOWN and len(self.first) < self.LISTED:
            self.first.append(o)


def _print_report(report: Any, settings: Settings, *, as_json: bool, listed: _Listed) -> None:
    counts = report.counts
    if as_json:
        summary = {"summary": counts, "seconds": round(report.seconds, 2), "db": settings.db}
        click.echo(json.dumps(summary))
        return
    for o in listed.first:
        note = f" (stored, not analysed: {o.error})" if o.status == "skipped" else ""
        click.echo(f"  {o.status:<8} {o.article_id}  {o.title or o.name}{note}")
    shown = sum(counts[k] for k in _Listed.SHOWN)
    if shown > len(listed.first):
        click.echo(f"  … and {shown - len(listed.first)} more (wirewatch articles --db {settings.db})")
    parts = ", ".join(f"{v} {k}" for k, v in counts.items() if v or k in {"new", "failed"})
    click.echo(f"{report.inputs} inputs in {report.seconds:.1f}s: {parts} → {settings.db}")
    if counts["failed"]:
        hint = f"wirewatch articles --status failed --db {settings.db}"
        click.echo(f"  failures (listed above) are kept: {hint}")
