"""The ``callinsight`` command line (Typer). Tables go to stdout, progress and errors to stderr."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import tomllib
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from callinsight.config import Settings, load_settings
from callinsight.errors import CallinsightError, E
from callinsight.ingest import MetadataTable, load_metadata
from callinsight.pipeline import BatchReport, Ingestor, expand_paths
from callinsight.records import Call
from callinsight.reports import FORMATS, export_findings, export_utterances
from callinsight.reports.clock import clock
from callinsight.store import Store

app = typer.Typer(
    help="Objections, attribution and content gaps from recorded sales calls, offline.",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(
    help="Export store tables as CSV, JSON Lines or Parquet.", no_args_is_help=True
)
models_app = typer.Typer(help="The bundled speech models.", no_args_is_help=True)
app.add_typer(export_app, name="export")
reps_app = typer.Typer(help="The seller's reps: roster and enrolled voices.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(reps_app, name="reps")
clusters_app = typer.Typer(
    help="Clusters of findings: list (default), show, rename, merge, split, dismiss.",
    invoke_without_command=True,
)
assets_app = typer.Typer(help="The content library.", no_args_is_help=True)
app.add_typer(clusters_app, name="clusters")
app.add_typer(assets_app, name="assets")

# Piped or captured output is not folded at rich's default 80 columns: tables stay greppable.
_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
out = Console(width=_WIDTH)
err = Console(stderr=True, width=_WIDTH)


class _State:
    workspace: Path | None = None


def _settings(**overrides: object) -> Settings:
    return load_settings(workspace=_State.workspace, **overrides)


def _fail(exc: CallinsightError) -> typer.Exit:
    err.print(f"[red]error[/red] {escape(exc.message)}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@app.callback()
def _main(
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="workspace folder (default: CALLINSIGHT_WORKSPACE or ./callinsight-data)",
    ),
) -> None:
    _State.workspace = workspace


def _open_store() -> Store:
    try:
        return Store.from_settings(_settings())
    except CallinsightError as exc:
        raise _fail(exc) from exc


def _run_ingest(
    ingestor: Ingestor, files: list[Path], metadata: MetadataTable | None
) -> BatchReport:
    report = BatchReport()
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("ingest", total=len(files), current="")
        audio = progress.add_task("audio", total=100, current="", visible=False)

        def on_audio(path: Path, fraction: float) -> None:
            progress.update(audio, completed=100 * fraction, current=path.name, visible=True)

        ingestor.on_audio_progress = on_audio
        for path, outcome in ingestor.iter_ingest(files, metadata):
            progress.update(audio, visible=False, completed=0)
            report.outcomes.append(outcome)
            if outcome.status != "ingested":
                colour = {"failed": "red", "updated": "cyan"}.get(outcome.status, "yellow")
                head = f"[{colour}]{outcome.status}[/{colour}] "
                # Failure messages name the file already; the others need it.
                body = (
                    outcome.message
                    if outcome.status == "failed"
                    else f"{outcome.path}: {outcome.message}"
                )
                progress.console.print(head + escape(body), highlight=False, soft_wrap=True)
            progress.update(task, advance=1, current=path.name)
    return report


def _print_summary(report: BatchReport, seconds: float) -> None:
    table = Table(title="ingest summary")
    for col in ("ingested", "unchanged", "updated", "failed", "audio", "wall"):
        table.add_column(col, justify="right")
    audio_s = sum(o.audio_s for o in report.outcomes)
    table.add_row(
        *(str(report.count(s)) for s in ("ingested", "unchanged", "updated", "failed")),
        clock(audio_s),
        f"{seconds:.1f} s",
    )
    out.print(table)
    if report.failures:
        err.print(f"[red]{len(report.failures)} file(s) failed:[/red]")
        for o in report.failures:
            err.print(f"  {o.message}", highlight=False, markup=False, soft_wrap=True)


def _calls_table(store: Store, calls: list[Call]) -> Table:
    counts = store.utterance_counts()
    table = Table(title=f"{len(calls)} calls")
    for col, just in (
        ("id", "left"),
        ("source", "left"),
        ("date", "left"),
        ("rep", "left"),
        ("account", "left"),
        ("outcome", "left"),
        ("length", "right"),
        ("turns", "right"),
        ("status", "left"),
    ):
        table.add_column(col, justify=just, overflow="fold")
    for c in calls:
        status = c.status if c.status != "failed" else "[red]failed[/red]"
        table.add_row(
            c.id[:12],
            Path(c.source_file).name,
            str(c.metadata.date or ""),
            c.metadata.rep or "",
            c.metadata.account or "",
            c.metadata.outcome or "",
            clock(c.duration_s),
            str(counts.get(c.id, 0)),
            status,
        )
    return table


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="recordings, transcripts, or folders of them"),
    metadata: Path | None = typer.Option(None, "--metadata", "-m", help="CRM metadata CSV"),
    model: str | None = typer.Option(
        None, "--model", help="'tiny.en' (default), 'base', or a model folder"
    ),
) -> None:
    """Ingest recordings and transcripts into the store; idempotent by content."""
    try:
        settings = _settings()
        store = Store.from_settings(settings)
        table = load_metadata(metadata) if metadata else None
    except CallinsightError as exc:
        raise _fail(exc) from exc
    if table:
        for problem in table.problems:
            err.print(f"[yellow]warning[/yellow] {problem}", highlight=False)
    files = expand_paths(paths)
    started = time.perf_counter()
    report = _run_ingest(Ingestor(settings, store, model=model), files, table)
    _print_summary(report, time.perf_counter() - started)
    if report.failures:
        raise typer.Exit(1)


@app.command()
def calls() -> None:
    """List the calls in the store."""
    store = _open_store()
    listed = store.list_calls()
    out.print(_calls_table(store, listed))
    for c in listed:
        if c.status == "failed":
            out.print(
                f"[red]failed[/red] {c.id[:12]} {escape(c.error or '')}",
                highlight=False,
                soft_wrap=True,
            )


@app.command()
def show(call_id: str = typer.Argument(..., help="a call id or a unique prefix of one")) -> None:
    """Print a call's transcript with speakers, roles and timestamps."""
    try:
        store = Store.from_settings(_settings())
        call = store.resolve_call(call_id)
    except CallinsightError as exc:
        raise _fail(exc) from exc
    m = call.metadata
    out.print(f"[bold]{m.title or Path(call.source_file).name}[/bold]  ({call.id[:12]})")
    facts = [
        ("source", call.source_file),
        ("date", m.date),
        ("rep", m.rep),
        ("account", m.account),
        ("deal", m.deal_id),
        ("stage", m.stage),
        ("outcome", m.outcome),
        ("industry", m.industry),
        ("length", clock(call.duration_s) if call.duration_s else None),
        ("method", call.method),
    ]
    out.print("  ".join(f"{k}: {v}" for k, v in facts if v), highlight=False)
    if call.status == "failed":
        out.print(f"[red]failed[/red]: {escape(call.error or '')}", highlight=False, soft_wrap=True)
        return
    utterances = store.utterances(call.id)
    speakers: dict[str, tuple[str, str, float | None]] = {}
    for u in utterances:
        speakers.setdefault(u.speaker, (u.role, u.role_source, u.role_confidence))
    listed = ", ".join(
        f"{name} = {role}" + (f" (by {src}, {conf:.2f})" if conf is not None else f" (by {src})")
        for name, (role, src, conf) in speakers.items()
    )
    out.print(f"speakers: {listed}", highlight=False, markup=False, soft_wrap=True)
    notes = "; ".join(n for n in (call.speakers_note, call.roles_note) if n)
    if notes:
        out.print(f"[dim]{escape(notes)}[/dim]", highlight=False, soft_wrap=True)
    out.print()
    for u in utterances:
        when = f"[{clock(u.start_s)}-{clock(u.end_s)}] " if u.start_s is not None else ""
        out.print(f"{when}{u.speaker} ({u.role}): ", end="", highlight=False, markup=False)
        out.print(u.text, highlight=False, markup=False)
    findings = store.findings(call.id)
    if findings:
        table = Table(title=f"{len(findings)} findings")
        for col in ("at", "kind", "what", "quote", "conf.", "method"):
            table.add_column(col, overflow="fold")
        for f in findings:
            what = " / ".join(x for x in (f.category, f.channel, f.entity) if x)
            table.add_row(
                clock(f.start_s) if f.start_s is not None else f"#{f.utterance_index}",
                f.kind,
                what,
                f.quote,
                f"{f.confidence:.2f}",
                f.method,
            )
        out.print()
        out.print(table)
    metrics = store.metrics(call.id)
    if metrics:
        table = Table(title="conversation metrics")
        for col in ("metric", "scope", "value"):
            table.add_column(col, justify="right" if col == "value" else "left")
        for m in metrics:
            value = f"{m.value:.0%}" if m.unit == "share" else f"{m.value:g} {m.unit}"
            table.add_row(m.name, m.scope, value.replace(" count", ""))
        out.print()
        out.print(table)


_FORMAT = typer.Option("csv", "--format", "-f", help=f"one of {', '.join(FORMATS)}")
_OUT = typer.Option(None, "--out", "-o", help="file to write (default: stdout)")


def _export(what: str, write, fmt: str, out_file: Path | None) -> None:
    try:
        n = write(Store.from_settings(_settings()), fmt, out_file)
    except CallinsightError as exc:
        raise _fail(exc) from exc
    if out_file:
        err.print(f"wrote {n} {what} to {out_file}")


@export_app.command("utterances")
def export_utterances_cmd(fmt: str = _FORMAT, out_file: Path | None = _OUT) -> None:
    """One row per utterance: call_id, source_file, speaker, role, start_s, end_s, text, ..."""
    _export("utterances", export_utterances, fmt, out_file)


@export_app.command("findings")
def export_findings_cmd(fmt: str = _FORMAT, out_file: Path | None = _OUT) -> None:
    """One row per finding: call_id, source_file, kind, category, channel, entity, quote, ..."""
    _export("findings", export_findings, fmt, out_file)


def _extractor(settings: Settings, store: Store):
    from callinsight.content import library_assets
    from callinsight.extract import Extractor

    with err.status("loading the extraction models"):
        return Extractor(settings, assets=library_assets(store))


def _run_analysis(rescan: bool, settings: Settings | None = None) -> None:
    from callinsight.pipeline import Analyzer

    try:
        settings = settings or _settings()
        store = Store.from_settings(settings)
        analyzer = Analyzer(store, _extractor(settings, store))
    except CallinsightError as exc:
        raise _fail(exc) from exc
    pending = analyzer.pending(rescan=rescan)
    if not pending:
        err.print("every call is analysed and up to date")
        return
    started = time.perf_counter()
    counts: dict[str, int] = {}
    findings = 0
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err) as progress:
        task = progress.add_task("rescan" if rescan else "analyze", total=len(pending))
        for outcome in analyzer.iter_run(pending):
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            findings += outcome.findings
            if outcome.status == "failed":
                progress.console.print(
                    f"[red]failed[/red] {outcome.call_id[:12]}: {escape(outcome.message)}",
                    highlight=False,
                )
            progress.advance(task)
    by_kind = store.finding_counts()
    table = Table(title="findings in the store")
    for col in ("kind", "findings"):
        table.add_column(col, justify="right" if col == "findings" else "left")
    for kind, n in sorted(by_kind.items()):
        table.add_row(kind, str(n))
    out.print(table)
    done = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    err.print(f"{done}; {findings} findings in {time.perf_counter() - started:.1f} s")
    if counts.get("failed"):
        raise typer.Exit(1)


@app.command()
def analyze() -> None:
    """Extract findings from every call not analysed yet (idempotent)."""
    _run_analysis(rescan=False)


@app.command()
def rescan() -> None:
    """Re-extract every call analysed under another taxonomy, tracker set or classifier."""
    _run_analysis(rescan=True)


@app.command()
def train(
    data: Path | None = typer.Option(
        None, "--data", help="folder with objections.csv and prompts.csv (default: corpora/train)"
    ),
    out_dir: Path | None = typer.Option(
        None, "--out", help="where to write the classifier (default: the configured one)"
    ),
    with_dismissed: bool = typer.Option(
        True, help="add findings users dismissed as 'not an objection' as negatives"
    ),
) -> None:
    """Train the objection classifier on the project's labelled data."""
    from callinsight.embed import get_extraction_embedder
    from callinsight.extract import load_taxonomy
    from callinsight.extract.training import train_classifier

    try:
        settings = _settings()
        negatives = Store.from_settings(settings).dismissed_quotes() if with_dismissed else []
        with err.status("training") as status:
            meta = train_classifier(
                load_taxonomy(settings.taxonomy_dir),
                get_extraction_embedder(settings),
                data or settings.corpora_dir / "train",
                out_dir or settings.classifier_dir,
                extra_negatives=negatives,
                on_step=lambda step: status.update(step),
            )
    except CallinsightError as exc:
        raise _fail(exc) from exc
    cv = meta["cross_validation"]
    table = Table(title=f"objection classifier ({sum(meta['counts'].values())} examples)")
    for col in ("measure (5-fold cross-validation)", "value"):
        table.add_column(col)
    table.add_row("objection precision", f"{cv['objection']['precision']:.3f}")
    table.add_row("objection recall", f"{cv['objection']['recall']:.3f}")
    table.add_row("category accuracy", f"{cv['category_accuracy']:.3f}")
    table.add_row("screen recall", f"{cv['screen_recall_at_min']:.3f}")
    out.print(table)
    err.print(f"wrote {out_dir or settings.classifier_dir}; run `callinsight rescan` to apply it")


@app.command()
def distil(
    out_dir: Path | None = typer.Option(
        None, "--out", help="where to write the vectors (default: the configured folder)"
    ),
) -> None:
    """Distil MiniLM into the static vectors extraction reads (then `callinsight train`)."""
    from callinsight.static_vectors import distil as distil_vectors

    try:
        settings = _settings()
        folder = out_dir or settings.static_vectors_dir
        with err.status("distilling") as status:
            meta = distil_vectors(
                settings.corpora_dir, folder, on_step=lambda step: status.update(step)
            )
    except CallinsightError as exc:
        raise _fail(exc) from exc
    err.print(
        f"wrote {folder}: {meta['pieces_fitted']:,} word pieces fitted on {meta['texts']:,} "
        f"texts (cosine to MiniLM {meta['fit_cosine']:.3f}); run `callinsight train` next"
    )


@reps_app.command("enroll")
def reps_enroll(
    name: str = typer.Argument(..., help="the rep's name as the CRM and roster spell it"),
    sample: Path = typer.Argument(..., help="a recording of the rep alone, 10 s or more"),
) -> None:
    """Enrol a rep's voice so mono calls recognise them (role source 'voice')."""
    from callinsight.speakers.enrol import enrol_voice

    try:
        store = Store.from_settings(_settings())
        voice = enrol_voice(sample)
        replaced = store.save_rep_voice(name, voice.embedding, str(sample), voice.speech_s)
    except CallinsightError as exc:
        raise _fail(exc) from exc
    verb = "re-enrolled" if replaced else "enrolled"
    out.print(f"{verb} {name}: {voice.speech_s:.1f} s of speech from {sample}", highlight=False)


@reps_app.command("list")
def reps_list() -> None:
    """The reps whose voices are enrolled."""
    store = _open_store()
    voices = store.rep_voices()
    settings = _settings()
    table = Table(title="reps")
    for col in ("name", "voice enrolled", "in roster"):
        table.add_column(col)
    for name in sorted(set(voices) | set(settings.reps)):
        table.add_row(name, "yes" if name in voices else "", "yes" if name in settings.reps else "")
    out.print(table)


@models_app.command("verify")
def models_verify() -> None:
    """Check every bundled model file against models/manifest.json."""
    from callinsight.manifest import check_model, load_manifest
    from callinsight.transcribe import bundled_model_folders

    manifest = load_manifest()
    try:
        folders = bundled_model_folders()
    except CallinsightError as exc:
        raise _fail(exc) from exc
    table = Table(title="bundled models")
    for col in ("model", "file", "sha256", "status"):
        table.add_column(col)
    bad = 0
    for name, folder in folders.items():
        for check in check_model(name, folder, manifest):
            ok = check.ok
            bad += not ok
            table.add_row(
                name,
                check.file,
                (check.actual or "missing")[:16] + "…",
                "[green]ok[/green]"
                if ok
                else f"[red]MISMATCH[/red] (expected {check.expected[:16]}…)",
            )
    out.print(table)
    if bad:
        raise typer.Exit(1)


@app.command()
def demo(
    workspace: Path = typer.Option(
        Path("callinsight-demo"), "--workspace", "-w", help="demo workspace (rebuilt)"
    ),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="start the dashboard when built (--no-serve: build only)"
    ),
    port: int = typer.Option(8501, "--port", help="dashboard port"),
    address: str = typer.Option("127.0.0.1", "--address", help="dashboard address"),
) -> None:
    """Build a fresh demo workspace from corpora/demo, analyse it, then start the dashboard."""
    corpus = load_settings().corpora_dir / "demo"
    if not corpus.is_dir():
        raise _fail(CallinsightError(E.E003, path=corpus))
    # The demo team's own settings (its rep roster) on top of the user's.
    team = corpus / "callinsight.toml"
    overrides = tomllib.loads(team.read_text()) if team.is_file() else {}
    settings = load_settings(workspace=_State.workspace or workspace, **overrides)
    if settings.workspace.exists():
        shutil.rmtree(settings.workspace)
    err.print(f"building demo workspace in {settings.workspace} from {corpus}")
    try:
        store = Store.from_settings(settings)
        table = load_metadata(corpus / "crm.csv")
    except CallinsightError as exc:
        raise _fail(exc) from exc
    files = expand_paths([corpus / "recordings", corpus / "transcripts"])
    files = [f for f in files if "malformed" not in f.parts]
    started = time.perf_counter()
    report = _run_ingest(Ingestor(settings, store), files, table)
    _print_summary(report, time.perf_counter() - started)
    out.print(_calls_table(store, store.list_calls()))
    from callinsight.content.gaps import find_gaps
    from callinsight.reports.report import write_report

    for source in (corpus / "content_library.csv", corpus / "content"):
        imported = _import_assets(store, source)
        err.print(f"content library from {source.name}: {imported.added} added, "
                  f"{imported.updated} updated")  # fmt: skip
    _run_analysis(rescan=False, settings=settings)
    store, embedder = _refresh(settings)
    md, html_path = write_report(store, find_gaps(store, embedder), settings.workspace / "report")
    out.print(
        f"\nReport: {html_path} (and {md.name})\n"
        f"Explore it: callinsight -w {settings.workspace} clusters\n"
        f"            callinsight -w {settings.workspace} gaps --format md\n"
        f"            callinsight -w {settings.workspace} show <id>   (ids above)"
    )
    if report.failures:
        raise typer.Exit(1)
    if serve:
        _serve(settings, port, address)


def _serve(settings: Settings, port: int, address: str) -> None:
    from callinsight.dashboard.server import serve

    def announce(url: str) -> None:
        out.print(f"callinsight dashboard: {url}  (Ctrl-C stops it)", highlight=False)
        sys.stdout.flush()

    try:
        code = serve(settings, port, address, announce=announce)
    except CallinsightError as exc:
        raise _fail(exc) from exc
    raise typer.Exit(code)


@app.command()
def dashboard(
    port: int = typer.Option(8501, "--port", help="port to listen on"),
    address: str = typer.Option("127.0.0.1", "--address", help="address to listen on"),
) -> None:
    """Start the Streamlit dashboard and the worker that processes uploads."""
    _serve(_settings(), port, address)


# -- clusters, content library, gaps, reports ---------------------------------------------


def _insight(settings: Settings | None = None):
    """Store, embedder and cluster index for the insight commands."""
    from callinsight.cluster.index import ClusterIndex
    from callinsight.embed import get_embedder

    try:
        settings = settings or _settings()
        store = Store.from_settings(settings)
        embedder = get_embedder(settings)
        return store, embedder, ClusterIndex(store, embedder)
    except CallinsightError as exc:
        raise _fail(exc) from exc


def _decide(action: str, *args):
    """Run a user decision on the cluster index; a refused one is a clean CLI error."""
    _, _, index = _insight()
    try:
        return getattr(index, action)(*args)
    except CallinsightError as exc:
        raise _fail(exc) from exc


def _refresh(settings: Settings | None = None, rebuild: bool = False):
    """Cluster what is new (or everything), then map clusters to the content library."""
    from callinsight.refresh import refresh

    store, embedder, _ = _insight(settings)
    started = time.perf_counter()
    results, counts = refresh(store, embedder, rebuild, progress=lambda msg: err.print(msg))
    for r in results:
        how = "rebuilt" if r.refitted else f"{r.joined} joined existing clusters"
        err.print(
            f"{r.kind}: {r.findings} findings, {how}, {r.new_clusters} new clusters, "
            f"{r.unclustered} unclustered"
        )
    err.print(
        "coverage: "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + f" ({time.perf_counter() - started:.1f} s)"
    )
    return store, embedder


@clusters_app.callback()
def clusters_list(
    ctx: typer.Context,
    kind: str = typer.Option(
        "objection", "--kind", "-k", help="objection|question|attribution|research"
    ),
    no_update: bool = typer.Option(
        False, "--no-update", help="list without clustering new findings"
    ),
) -> None:
    """Cluster new findings (incrementally), map them to assets, and list the clusters."""
    if ctx.invoked_subcommand:
        return
    from callinsight.cluster.summary import cluster_summaries

    store = _open_store() if no_update else _refresh()[0]
    table = Table(title=f"{kind} clusters")
    for col in ("id", "label", "category", "findings", "calls", "accounts", "trend (by month)",
                "coverage", "example"):  # fmt: skip
        table.add_column(
            col, justify="right" if col in ("id", "findings", "calls", "accounts") else "left"
        )
    for c in cluster_summaries(store, kind):
        table.add_row(
            str(c.id), escape(c.label), c.category or "", str(c.size), str(c.calls),
            str(c.accounts), " ".join(str(n) for n in c.monthly.values()), c.coverage or "",
            escape(c.quotes[0].quote[:70]) if c.quotes else "",
        )  # fmt: skip
    out.print(table)


@clusters_app.command("show")
def clusters_show(cluster_id: int) -> None:
    """A cluster's quotes (call, speaker, time) and the assets that answer it."""
    from callinsight.cluster.summary import cluster_summaries
    from callinsight.content.mapping import cluster_matches

    store = _open_store()
    found = cluster_summaries(store, cluster_ids=[cluster_id], top_quotes=50)
    if not found:
        raise _fail(CallinsightError(E.E305, what=f"cluster {cluster_id}"))
    c = found[0]
    out.print(f"[bold]{escape(c.label)}[/bold]  ({c.kind}, {c.size} findings, {c.calls} calls, "
              f"{c.accounts} accounts, coverage {c.coverage or '—'})")  # fmt: skip
    for q in c.quotes:
        out.print(f"  #{q.finding_id} {escape(q.title or q.source_file)} {clock(q.start_s)} "
                  f"{escape(q.speaker)}: “{escape(q.quote)}”", highlight=False)  # fmt: skip
    for m in cluster_matches(store, cluster_id):
        out.print(f"  asset {m.asset_id} score {m.score:.2f} {m.decision or ''}: "
                  f"{escape((m.passage or '')[:100])}", highlight=False)  # fmt: skip


@clusters_app.command("rename")
def clusters_rename(cluster_id: int, label: str) -> None:
    """Give a cluster a name of your own (kept across reclustering)."""
    _decide("rename", cluster_id, label)
    err.print(f"cluster {cluster_id} is now “{label}”")


@clusters_app.command("merge")
def clusters_merge(into: int, other: int) -> None:
    """Move every finding of OTHER into INTO (replayed after reclustering)."""
    _decide("merge", into, other)
    err.print(f"merged cluster {other} into {into}")


@clusters_app.command("split")
def clusters_split(
    cluster_id: int,
    findings: str = typer.Option("", "--findings", help="finding ids to move out, comma separated"),
) -> None:
    """Split findings off into a new cluster (default: the clusterer's own two-way split)."""
    ids = [int(x) for x in findings.split(",") if x.strip()] or None
    new = _decide("split", cluster_id, ids)
    err.print(f"split cluster {cluster_id}: new cluster {new}")


@clusters_app.command("dismiss")
def clusters_dismiss(finding_id: int) -> None:
    """Mark a finding as not what it was taken for (e.g. not an objection)."""
    _decide("dismiss", finding_id)
    err.print(f"finding {finding_id} dismissed; `callinsight train` uses it as a negative")


@app.command()
def recluster() -> None:
    """Rebuild every cluster from scratch; names, merges, splits and match decisions survive."""
    _refresh(rebuild=True)


def _import_assets(store: Store, path: Path):
    """Import a library file or folder; bad rows are listed, a bad file is a clean error."""
    from callinsight.content.library import import_library

    try:
        report = import_library(store, path)
    except CallinsightError as exc:
        raise _fail(exc) from exc
    for e in report.errors:
        err.print(f"[red]skipped[/red] {escape(str(e))}", highlight=False)
    return report


@assets_app.command("import")
def assets_import(path: Path) -> None:
    """Import or update assets from a CSV, JSON or YAML file or a folder of documents."""
    report = _import_assets(_open_store(), path)
    err.print(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{len(report.errors)} errors")  # fmt: skip
    if report.errors:
        raise typer.Exit(1)


@assets_app.command("list")
def assets_list() -> None:
    """Every asset of the library."""
    from callinsight.content import library_assets
    from callinsight.content.working import suggested_tags

    store = _open_store()
    suggested = suggested_tags(store)
    table = Table(title="content library")
    for col in ("id", "title", "type", "tags", "answers (suggested)", "url"):
        table.add_column(col)
    for a in library_assets(store):
        table.add_row(a.id, escape(a.title), a.type or "", ", ".join(a.tags),
                      ", ".join(suggested.get(a.id, [])), a.url or "")  # fmt: skip
    out.print(table)


@assets_app.command("working")
def assets_working(
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """What's working: buyer mentions, rep sends and deal outcomes per asset."""
    from callinsight.content.working import asset_performance

    rows = asset_performance(_open_store())
    if fmt == "json":
        data = [
            {"asset_id": p.asset_id, "title": p.title, "mentions": p.mention_count,
             "mention_calls": p.mention_calls, "sends": p.sends, "deals": len(p.deals),
             "won": p.outcome_count("won"), "lost": p.outcome_count("lost"),
             "open": p.outcome_count("open"), "win_rate": p.win_rate,
             "mention_quotes": [{"finding_id": q.finding_id, "call_id": q.call_id,
                                 "start_s": q.start_s, "quote": q.quote} for q in p.mentions]}
            for p in rows
        ]  # fmt: skip
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    if fmt != "table":
        raise _fail(CallinsightError(E.E401, fmt=fmt, choices="table, json"))
    table = Table(title="what's working")
    for col in ("id", "title", "mentions", "calls", "sent", "deals", "won", "lost", "open",
                "win rate"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("id", "title") else "right")
    for p in rows:
        rate = "—" if p.win_rate is None else f"{p.win_rate:.0%}"
        table.add_row(p.asset_id, escape(p.title), str(p.mention_count), str(p.mention_calls),
                      str(p.sends), str(len(p.deals)), str(p.outcome_count("won")),
                      str(p.outcome_count("lost")), str(p.outcome_count("open")), rate)  # fmt: skip
    out.print(table)


@assets_app.command("send")
def assets_send(
    asset_id: str,
    cluster: int | None = typer.Option(None, "--cluster", help="the objection cluster it answers"),
    call: str | None = typer.Option(None, "--call", help="the call (id or prefix) it went to"),
    rep: str | None = typer.Option(None, "--rep", help="who sent it"),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Mark an asset as sent to a buyer (counted in `assets working`)."""
    from callinsight.content.working import mark_sent

    store = _open_store()
    try:
        call_id = store.resolve_call(call).id if call else None
        mark_sent(store, asset_id, cluster, call_id, rep, note)
    except CallinsightError as exc:
        raise _fail(exc) from exc
    err.print(f"marked {asset_id} as sent")


@app.command()
def gaps(
    fmt: str = typer.Option("md", "--format", "-f", help="md | csv | json"),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="file (default: stdout)"),
    top: int | None = typer.Option(None, "--top", help="only the N best gaps"),
) -> None:
    """Ranked content gaps with briefs."""
    from callinsight.content.gaps import find_gaps
    from callinsight.reports.report import GAP_FORMATS, render_gaps

    if fmt not in GAP_FORMATS:
        raise _fail(CallinsightError(E.E401, fmt=fmt, choices=", ".join(GAP_FORMATS)))
    store, embedder, _ = _insight()
    text = render_gaps(find_gaps(store, embedder, top=top), fmt)
    if out_file:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"wrote {out_file}")
    else:
        sys.stdout.write(text)


@app.command()
def report(
    out_dir: Path = typer.Option(..., "--out", "-o", help="folder for report.md/.html"),
) -> None:
    """An HTML and a Markdown report: clusters, coverage, gaps with briefs, attribution mix."""
    from callinsight.content.gaps import find_gaps
    from callinsight.reports.report import write_report

    store, embedder, _ = _insight()
    md, html_path = write_report(store, find_gaps(store, embedder), out_dir)
    err.print(f"wrote {md} and {html_path}")


@app.command()
def digest(
    since: str = typer.Option("7d", "--since", help="period: 7d, 2w, 1m"),
    until: str | None = typer.Option(None, "--until", help="last day (default: newest call)"),
) -> None:
    """The weekly summary: new objections, new gaps, standout quotes, attribution."""
    import datetime as dt

    from callinsight.content.gaps import find_gaps
    from callinsight.reports.report import digest_markdown, parse_since

    try:
        period = parse_since(since)
        end = dt.date.fromisoformat(until) if until else None
    except ValueError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    store, embedder, _ = _insight()
    sys.stdout.write(digest_markdown(store, find_gaps(store, embedder), period, end))


def main() -> None:
    app()
