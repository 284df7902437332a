"""Human reports: content gaps (md / csv / json), the full report (Markdown and HTML), and the
weekly digest both teams read together.

Every figure is a count of findings, and every theme is shown with quotes naming the call, the
speaker and the time, so a reader can go from the number to what buyers said.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from callinsight.cluster.summary import QuoteRef, cluster_summaries, quote_ref
from callinsight.content.gaps import WEIGHTS, Gap
from callinsight.reports.clock import clock
from callinsight.store import Store
from callinsight.store.schema import CallRow, FindingRow

GAP_FORMATS = ("md", "csv", "json")


def _cite(q: QuoteRef) -> str:
    where = q.title or q.source_file
    at = clock(q.start_s)
    return f"> “{q.quote}” — {q.speaker}, *{where}* at {at} (call `{q.call_id[:12]}`)"


def gap_brief_md(g: Gap) -> str:
    c = g.cluster
    lines = [
        f"### {g.rank}. {c.label} ({c.coverage}, gap score {g.score:.2f})",
        "",
        f"**In buyers' words:** “{g.in_their_words}”",
        "",
        f"{c.size} objections in {c.calls} calls from {c.accounts} accounts"
        + (f"; {c.lost_deals} of {c.deals} decided deals lost" if c.deals else "")
        + f". Category: {c.category or '—'}. Score inputs: frequency {g.frequency:.2f}, "
        f"accounts {g.accounts:.2f}, trend {g.trend:.2f}, lost {g.lost:.2f}.",
        "",
        "**Top quotes**",
        "",
        *[_cite(q) + "\n" for q in c.quotes],
        "**Questions the content must answer**",
        "",
    ]
    questions = [f"- “{q.quote}” ({q.speaker}, {q.title or q.source_file})" for q in g.questions]
    lines += questions or [f"- How do we answer: “{g.in_their_words}”?"]
    lines += [
        "",
        f"**Suggested asset:** {g.asset_type}, working title “{g.working_title}”",
        "",
        "**Related assets that exist (partly answering):**",
        "",
    ]
    lines += [
        f"- {a.title} ({a.asset_id}, match {a.score:.2f})" + (f" <{a.url}>" if a.url else "")
        for a in g.related
    ] or ["- none"]
    return "\n".join(lines) + "\n"


def gaps_markdown(gaps: list[Gap]) -> str:
    head = [
        "# Content gaps",
        "",
        "Objection clusters that no asset (uncovered) or no asset fully (partly) answers, "
        "ranked by gap score = coverage weight × ("
        + " + ".join(f"{w:.2f} × {k}" for k, w in WEIGHTS.items())
        + "); see README.md.",
        "",
    ]
    if not gaps:
        return "\n".join([*head, "No gaps: every objection cluster is covered.", ""])
    return "\n".join(head) + "\n".join(gap_brief_md(g) for g in gaps)


GAP_COLUMNS = (
    "rank", "cluster_id", "label", "category", "coverage", "score", "findings", "calls",
    "accounts", "lost_deals", "deals", "frequency", "accounts_share", "trend", "lost",
    "in_their_words", "asset_type", "working_title", "related_assets", "top_quotes",
)  # fmt: skip


def _gap_row(g: Gap) -> dict:
    c = g.cluster
    return {
        "rank": g.rank,
        "cluster_id": c.id,
        "label": c.label,
        "category": c.category,
        "coverage": c.coverage,
        "score": g.score,
        "findings": c.size,
        "calls": c.calls,
        "accounts": c.accounts,
        "lost_deals": c.lost_deals,
        "deals": c.deals,
        "frequency": g.frequency,
        "accounts_share": g.accounts,
        "trend": g.trend,
        "lost": g.lost,
        "in_their_words": g.in_their_words,
        "asset_type": g.asset_type,
        "working_title": g.working_title,
        "related_assets": "; ".join(a.asset_id for a in g.related),
        "top_quotes": " | ".join(
            f"{q.quote} [{q.call_id[:12]} {clock(q.start_s)}]" for q in c.quotes
        ),
    }


def render_gaps(gaps: list[Gap], fmt: str) -> str:
    if fmt == "md":
        return gaps_markdown(gaps)
    if fmt == "json":
        rows = []
        for g in gaps:
            row = _gap_row(g)
            row["top_quotes"] = [
                {"quote": q.quote, "call_id": q.call_id, "speaker": q.speaker, "start_s": q.start_s}
                for q in g.cluster.quotes
            ]
            row["questions"] = [q.quote for q in g.questions]
            rows.append(row)
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=GAP_COLUMNS)
    writer.writeheader()
    for g in gaps:
        writer.writerow(_gap_row(g))
    return buf.getvalue()


def _attribution_mix(store: Store, since: dt.date | None = None) -> Counter:
    q = (
        select(FindingRow.channel)
        .join(CallRow, CallRow.id == FindingRow.call_id)
        .where(FindingRow.kind == "attribution", FindingRow.dismissed.is_(False))
    )
    if since:
        q = q.where(CallRow.date >= since)
    with store.session() as s:
        return Counter(ch or "other" for ch in s.scalars(q))


def report_markdown(store: Store, gaps: list[Gap]) -> str:
    with store.session() as s:
        calls = s.scalar(select(func.count()).select_from(CallRow)) or 0
    objections = cluster_summaries(store, "objection")
    questions = cluster_summaries(store, "question")
    coverage = Counter(c.coverage or "unmapped" for c in objections)
    lines = [
        "# callinsight report",
        "",
        f"{calls} calls; {sum(c.size for c in objections)} clustered objections in "
        f"{len(objections)} clusters; coverage: "
        + ", ".join(f"{n} {k}" for k, n in sorted(coverage.items())),
        "",
        "## Objection clusters",
        "",
        "| # | cluster | category | findings | calls | accounts | coverage | best asset score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in objections:
        lines.append(
            f"| {c.id} | {c.label} | {c.category or '—'} | {c.size} | {c.calls} | {c.accounts} "
            f"| {c.coverage or '—'} | {c.coverage_score or 0:.2f} |"
        )
    lines += ["", "## Buyer questions", "", "| # | cluster | findings | calls | coverage |",
              "|---|---|---|---|---|"]  # fmt: skip
    for c in questions:
        lines.append(f"| {c.id} | {c.label} | {c.size} | {c.calls} | {c.coverage or '—'} |")
    mix = _attribution_mix(store)
    total = sum(mix.values())
    lines += ["", "## Attribution mix (how buyers say they heard of us)", "",
              "| channel | answers | share |", "|---|---|---|"]  # fmt: skip
    for ch, n in mix.most_common():
        lines.append(f"| {ch} | {n} | {n / total:.0%} |")
    lines += ["", gaps_markdown(gaps).replace("# Content gaps", "## Content gaps", 1)]
    return "\n".join(lines)


_CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;
color:#1d2330}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d5d9e0;
padding:.3rem .6rem;text-align:left}blockquote{border-left:3px solid #7a8bd6;margin:.6rem 0;
padding:.2rem .8rem;color:#333}h1,h2,h3{color:#202a5c}"""


def markdown_to_html(markdown: str, title: str) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(markdown)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def write_report(store: Store, gaps: list[Gap], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = report_markdown(store, gaps)
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    md_path.write_text(md, encoding="utf-8")
    html_path.write_text(markdown_to_html(md, "callinsight report"), encoding="utf-8")
    return md_path, html_path


def parse_since(value: str) -> dt.timedelta:
    """'7d', '2w', '1m' (30 days) -> a timedelta."""
    units = {"d": 1, "w": 7, "m": 30}
    value = value.strip().lower()
    if len(value) < 2 or value[-1] not in units or not value[:-1].isdigit():
        raise ValueError(f"'{value}' is not a period like 7d, 2w or 1m")
    return dt.timedelta(days=int(value[:-1]) * units[value[-1]])


def digest_markdown(store: Store, gaps: list[Gap], since: dt.timedelta, until: dt.date | None):
    """The weekly summary: new objections, new gaps, standout quotes, attribution."""
    with store.session() as s:
        newest = s.scalar(select(func.max(CallRow.date)))
    end = until or newest or dt.date.today()
    start = end - since + dt.timedelta(days=1)
    with store.session() as s:
        rows = list(
            s.execute(
                select(FindingRow, CallRow)
                .join(CallRow, CallRow.id == FindingRow.call_id)
                .where(
                    FindingRow.kind == "objection",
                    FindingRow.dismissed.is_(False),
                    CallRow.date >= start,
                    CallRow.date <= end,
                )
                .order_by(FindingRow.confidence.desc(), FindingRow.id)
            )
        )
        calls = s.scalar(
            select(func.count())
            .select_from(CallRow)
            .where(CallRow.date >= start, CallRow.date <= end)
        )
    labels = {c.id: c.label for c in cluster_summaries(store, "objection")}
    by_cluster = Counter(labels.get(f.cluster_id, "unclustered") for f, _ in rows)
    lines = [
        f"# Weekly digest: {start.isoformat()} to {end.isoformat()}",
        "",
        f"{calls} calls, {len(rows)} objections.",
        "",
        "## Objections this period",
        "",
        "| cluster | objections |",
        "|---|---|",
        *[f"| {label} | {n} |" for label, n in by_cluster.most_common(10)],
        "",
        "## New content gaps (first raised this period)",
        "",
    ]
    new_gaps = [g for g in gaps if g.cluster.first_seen and g.cluster.first_seen >= start]
    lines += [f"- {g.cluster.label} ({g.cluster.coverage}, score {g.score:.2f})" for g in new_gaps]
    if not new_gaps:
        lines.append("- none")
    lines += ["", "## Standout quotes", ""]
    seen: set = set()
    for f, call in rows:
        if f.cluster_id in seen:
            continue
        seen.add(f.cluster_id)
        lines.append(_cite(quote_ref(f, call)) + "\n")
        if len(seen) == 5:
            break
    mix = _attribution_mix(store, since=start)
    lines += ["## Attribution this period", ""]
    lines += [f"- {ch}: {n}" for ch, n in mix.most_common()] or ["- no answers this period"]
    return "\n".join(lines) + "\n"
