"""`cmbot moderation …`: evaluate the rules on a labelled file, train the classifier, show statistics, refresh
the scam list. Every command reads the same config as the bot (`--config` or the default)."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_context import cli_context
from bot.exit_status import ExitStatus

if TYPE_CHECKING:
    from config.settings import Community, Settings


def _community(settings: Settings, wanted: str | None) -> Community:
    if wanted is None:
        return settings.communities[0]
    for community in settings.communities:
        if community.id == wanted:
            return community
    known = ", ".join(c.id for c in settings.communities)
    raise click.BadParameter(f"no community {wanted!r} (known: {known})", param_hint="--community")


def _base_dir(settings: Settings) -> Path:
    return settings.bot.database.parent


@click.group("moderation")
def moderation_cli() -> None:
    """Moderation: evaluate and tune the rules, train the classifier, read the queue's statistics."""


@moderation_cli.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", default="text", show_default=True, help="column holding the message text")
@click.option("--label-column", default="label", show_default=True, help="column holding the label")
@click.option(
    "--positive",
    "positives",
    multiple=True,
    help="label value meaning 'should be flagged' (repeatable; default: 1/true/yes/flag/spam)",
)
@click.option("--group-column", default=None, help="column to report flag rates per group")
@click.option("--community", default=None, help="community whose rules to use (default: the first)")
@click.option("--classifier/--no-classifier", default=None, help="include the classifier rule (default: as configured)")
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0,
              help="also list N false positives and N false negatives, with the rules that fired")
def eval_command(
    file: Path,
    text_column: str,
    label_column: str,
    positives: tuple[str, ...],
    group_column: str | None,
    community: str | None,
    classifier: bool | None,
    as_json: bool,
    errors: int,
) -> None:
    """Run the configured rules over a labelled FILE (CSV, or TSV by extension) and print precision, recall,
    F1, false positive rate, per-group flag rates and messages per second."""
    from handlers.moderation.classifier import load_classifier_rule
    from handlers.moderation.engine import build_engine
    from handlers.moderation.evaluate import evaluate, read_rows, report_text

    settings = cli_context().settings()
    chosen = _community(settings, community)
    try:
        rows = read_rows(file, text_column, label_column, positives, group_column)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    extra = None
    moderation = chosen.moderation
    if classifier or (classifier is None and moderation.classifier.enabled):
        forced = chosen.model_copy(update={"moderation": moderation.model_copy(
            update={"classifier": moderation.classifier.model_copy(update={"enabled": True})})})  # fmt: skip
        extra = load_classifier_rule(forced, _base_dir(settings))
        if extra is None:
            where = moderation.classifier.model_path or "config/models"
            click.echo(f"no classifier model at {where}: train one first", err=True)
            raise SystemExit(ExitStatus.FAILED)
    engine = build_engine(moderation, _base_dir(settings), extra)
    result = evaluate(lambda text: bool(engine.check_text(text)), rows)
    per_rule = rule_hits(engine, rows)  # a second, untimed pass: which rule earns its flags
    mistakes = error_examples(engine, rows, errors) if errors else None
    if as_json:
        shown = {"errors": mistakes} if mistakes is not None else {}
        click.echo(json.dumps({"file": str(file), "community": chosen.id, "rules": engine.rule_names,
                               **result.as_dict(), "per_rule": per_rule, **shown}, indent=2))  # fmt: skip
    else:
        click.echo(f"{file}: rules {', '.join(engine.rule_names)}")
        click.echo(report_text(result))
        if per_rule:
            click.echo("hits per rule (share on rows labelled positive):")
            for rule, counts in per_rule.items():
                click.echo(f"  {rule:10s} {counts['hits']:6d}  {counts['precision']:6.1%}")
        if mistakes is not None:
            click.echo(errors_text(mistakes))


EXAMPLE_CHARS = 160


def error_examples(engine, rows, limit: int) -> dict[str, list[dict[str, object]]]:
    """The first `limit` false positives (flagged, labelled fine) with the rules that fired and why, and the first
    `limit` false negatives (labelled to flag, not flagged): what a CM reads to see why the rules miss or misfire."""
    wrong: dict[str, list[dict[str, object]]] = {"false_positives": [], "false_negatives": []}
    for row in rows:
        positives, negatives = wrong["false_positives"], wrong["false_negatives"]
        if len(positives) >= limit and len(negatives) >= limit:
            break
        hits = engine.check_text(row.text).hits
        text = " ".join(row.text.split())
        text = text[:EXAMPLE_CHARS] + ("…" if len(text) > EXAMPLE_CHARS else "")
        if hits and not row.positive and len(positives) < limit:
            positives.append({"text": text, "rules": [f"{h.rule} ({h.detail})" if h.detail else h.rule
                                                      for h in hits]})
        elif not hits and row.positive and len(negatives) < limit:
            negatives.append({"text": text, "rules": []})
    return wrong


def errors_text(mistakes: dict[str, list[dict[str, object]]]) -> str:
    lines = [f"false positives (flagged, labelled fine): {len(mistakes['false_positives'])} shown"]
    lines += [f"  - {item['text']!r}  <- {', '.join(item['rules'])}" for item in mistakes["false_positives"]]  # type: ignore[arg-type]
    lines.append(f"false negatives (labelled to flag, missed): {len(mistakes['false_negatives'])} shown")
    lines += [f"  - {item['text']!r}" for item in mistakes["false_negatives"]]
    return "\n".join(lines)


def rule_hits(engine, rows) -> dict[str, dict[str, float]]:
    hits: dict[str, list[int]] = {}
    for row in rows:
        for hit in engine.check_text(row.text).hits:
            counts = hits.setdefault(hit.rule, [0, 0])
            counts[0] += 1
            counts[1] += int(row.positive)
    return {rule: {"hits": n, "positive": p, "precision": round(p / n, 4)} for rule, (n, p) in sorted(hits.items())}


@moderation_cli.command("train")
@click.argument("data", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", default="text", show_default=True, help="column holding the message text")
@click.option("--label-column", default="label", show_default=True, help="column holding the label")
@click.option("--positive", "positives", multiple=True, help="label value meaning 'should be flagged' (repeatable)")
@click.option(
    "--decisions/--no-decisions",
    default=True,
    show_default=True,
    help="also learn from moderators' past decisions in the database (acted on = flag, dismissed = not)",
)
@click.option("--community", default=None, help="community whose model path to write (default: the first)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="model file (default: from config)")
def train_command(
    data: Path | None,
    text_column: str,
    label_column: str,
    positives: tuple[str, ...],
    decisions: bool,
    community: str | None,
    out: Path | None,
) -> None:
    """Fit the classifier from a labelled DATA file and/or past decisions and save it where the config says.
    Needs scikit-learn (pip install 'cmbot[ml]')."""
    from handlers.moderation.classifier import TextClassifier
    from handlers.moderation.evaluate import read_rows
    from handlers.moderation.flags import decided_examples

    context = cli_context()
    settings = context.settings()
    chosen = _community(settings, community)
    texts: list[str] = []
    labels: list[int] = []
    if data is not None:
        try:
            rows = read_rows(data, text_column, label_column, positives)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        texts += [r.text for r in rows]
        labels += [int(r.positive) for r in rows]
    if decisions:
        store = context.open_store()
        try:
            examples = decided_examples(store.db)
        finally:
            store.close()
        texts += [text for text, _ in examples]
        labels += [label for _, label in examples]
        click.echo(f"{len(examples)} example(s) from moderators' decisions")
    if not texts:
        raise click.UsageError("nothing to learn from: give a DATA file or let moderators decide some flags first")
    from handlers.moderation.engine import build_engine

    rules = build_engine(chosen.moderation, _base_dir(settings))
    already = [bool(rules.check_text(text)) for text in texts]  # the model learns to catch what rules miss
    try:
        model = TextClassifier.fit(texts, labels, already)
    except (ValueError, RuntimeError) as error:
        click.echo(f"cannot train: {error}", err=True)
        raise SystemExit(ExitStatus.FAILED) from None
    path = out or chosen.moderation.classifier.model_path or Path("moderation-model.npz")
    if not path.is_absolute() and out is None:
        path = _base_dir(settings) / path
    model.save(path)
    click.echo(f"model trained on {len(texts)} example(s) ({sum(labels)} to flag), saved to {path}")
    click.echo(f"threshold chosen on held-out folds, beside the rules: {model.threshold:.2f}"
               " (classifier.threshold in the config overrides it)")  # fmt: skip
    if not chosen.moderation.classifier.enabled or chosen.moderation.classifier.model_path is None:
        click.echo(f'set [communities.moderation.classifier] enabled = true and model_path = "{path}" to use it')


@moderation_cli.command("stats")
@click.option("--community", default=None, help="only this community (default: all)")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650), help="look back this many days")
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
def stats_command(community: str | None, days: int, as_json: bool) -> None:
    """Per rule: flags raised, how many in shadow mode, the share acted on vs dismissed (the rule's measured
    precision) and the median time to a decision."""
    from datetime import UTC, datetime, timedelta

    from handlers.moderation.stats import rule_stats, stats_table

    context = cli_context()
    settings = context.settings()
    wanted = _community(settings, community).id if community else None
    store = context.open_store()
    try:
        stats = rule_stats(store.db, wanted, datetime.now(UTC) - timedelta(days=days))
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([{**asdict(s), "precision": s.precision} for s in stats], indent=2))
    elif not stats:
        click.echo(f"no flags in the last {days} days")
    else:
        click.echo(stats_table(stats))


@moderation_cli.command("update-lists")
@click.option("--community", default=None, help="community whose scam list to refresh (default: every one)")
@click.option("--url", default=None, help="fetch from this URL instead of links.scam_list_url")
@click.option("--timeout", default=30.0, show_default=True, help="seconds to wait for the download")
def update_lists_command(community: str | None, url: str | None, timeout: float) -> None:
    """Download the scam/phishing domain list (links.scam_list_url) to links.scam_list. Needs internet; the
    running bot reads the new list at its next start."""
    settings = cli_context().settings()
    chosen = [_community(settings, community)] if community else list(settings.communities)
    done = 0
    for target in chosen:
        links = target.moderation.links
        source = url or links.scam_list_url
        if not links.scam_list or not source:
            click.echo(f"{target.id}: set links.scam_list and links.scam_list_url first", err=True)
            continue
        if not source.startswith(("https://", "http://")):
            raise click.BadParameter("the list URL must start with https:// or http://", param_hint="--url")
        path = Path(links.scam_list)
        if not path.is_absolute():
            path = _base_dir(settings) / path
        try:
            import urllib.request

            with urllib.request.urlopen(source, timeout=timeout) as response:
                body = response.read(50_000_000).decode("utf-8", errors="replace")
        except OSError as error:
            click.echo(f"{target.id}: cannot download {source}: {error}", err=True)
            raise SystemExit(ExitStatus.FAILED) from None
        entries = _list_entries(body)
        if not entries:
            click.echo(f"{target.id}: {source} holds no domains; the current list is kept", err=True)
            raise SystemExit(ExitStatus.FAILED)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + f".{random.randrange(1 << 30)}.tmp")
        tmp.write_text("\n".join(entries) + "\n", encoding="utf-8")
        tmp.replace(path)
        click.echo(f"{target.id}: {len(entries)} entries written to {path}")
        done += 1
    if not done:
        raise SystemExit(ExitStatus.USAGE)


def _list_entries(body: str) -> list[str]:
    """Lines that look like domains (or domain/path): JSON arrays and plain lists are both accepted."""
    text = body.strip()
    if text.startswith("["):
        try:
            items = [str(item) for item in json.loads(text)]
        except ValueError:
            items = []
    else:
        items = text.splitlines()
    entries = []
    for item in items:
        entry = item.strip().lower()
        if entry and not entry.startswith("#") and "." in entry and " " not in entry and len(entry) < 300:
            entries.append(entry)
    return sorted(set(entries))
