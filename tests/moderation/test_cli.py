"""`cmbot moderation …`: eval, train, stats and update-lists through the real CLI, on local files only."""

from __future__ import annotations

import csv
import http.server
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "moderation"

ROWS = [
    ("you are a stupid b1tch", "1", "a"), ("what a lovely day", "0", "a"), ("espèce de connard", "1", "b"),
    ("le concours commence demain", "0", "b"), ("fuck off and die", "1", "a"), ("see you at the meetup", "0", "b"),
    ("t'es qu'une salope", "1", "a"), ("merci pour ton aide", "0", "a"),
]  # fmt: skip


def write_config(tmp_path: Path, moderation: str = "") -> Path:
    config = tmp_path / "cmbot.toml"
    config.write_text(
        f"""
[bot]
database = "{tmp_path / "cmbot.db"}"
[[communities]]
id = "demo"
name = "Demo"
locale = "en"
[communities.console]
space_id = "console"
channels = {{ moderation = "modq" }}
[communities.moderation]
{moderation}
""",
        encoding="utf-8",
    )
    return config


def write_rows(path: Path, rows=ROWS, header=("message", "toxic", "lang")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), "moderation", *args], catch_exceptions=False)


def test_eval_prints_the_figures(tmp_path):
    data = write_rows(tmp_path / "rows.csv")
    result = run(write_config(tmp_path), "eval", str(data), "--text-column", "message", "--label-column", "toxic",
                 "--positive", "1", "--group-column", "lang")  # fmt: skip
    assert result.exit_code == 0, result.output
    for label in ("precision", "recall", "F1", "false positive rate", "messages/second", "flag rate per group"):
        assert label in result.output


def test_eval_json_is_exact(tmp_path):
    data = write_rows(tmp_path / "rows.csv")
    result = run(write_config(tmp_path), "eval", str(data), "--text-column", "message", "--label-column", "toxic",
                 "--json", "--no-classifier")  # fmt: skip
    figures = json.loads(result.output)
    assert (figures["tp"], figures["fp"], figures["tn"], figures["fn"]) == (4, 0, 4, 0)
    assert figures["precision"] == 1.0 and figures["recall"] == 1.0 and figures["messages"] == 8
    # « t'es qu'une salope » is a listed insult and an insult aimed at the one addressed (`addressed.py`) too: on
    # the same words, one hit, the list's (`overlap.py`)
    assert figures["per_rule"] == {"terms": {"hits": 4, "positive": 4, "precision": 1.0}}


def test_eval_names_a_missing_column(tmp_path):
    data = write_rows(tmp_path / "rows.csv")
    result = run(write_config(tmp_path), "eval", str(data), "--text-column", "body", "--label-column", "toxic")
    assert result.exit_code == 2 and "no column 'body'" in result.output


def test_train_then_eval_with_the_classifier(tmp_path):
    rows = [(f"{text} {i}", label, group) for i in range(6) for text, label, group in ROWS]
    data = write_rows(tmp_path / "rows.csv", rows)
    config = write_config(tmp_path, 'classifier = { enabled = true, model_path = "model.pkl", threshold = 0.6 }')
    trained = run(config, "train", str(data), "--text-column", "message", "--label-column", "toxic")
    assert trained.exit_code == 0, trained.output
    assert (tmp_path / "model.pkl").exists() and "48 example(s)" in trained.output
    result = run(config, "eval", str(data), "--text-column", "message", "--label-column", "toxic", "--json")
    figures = json.loads(result.output)
    assert "classifier" in figures["rules"] and figures["recall"] == 1.0


def test_train_refuses_one_class_and_no_data(tmp_path):
    config = write_config(tmp_path)
    data = write_rows(tmp_path / "rows.csv", [("hello", "0", "a"), ("bye", "0", "a")])
    assert run(config, "train", str(data), "--text-column", "message", "--label-column", "toxic").exit_code == 1
    assert run(config, "train").exit_code == 2  # nothing decided yet in an empty database


def test_stats_on_an_empty_database(tmp_path):
    result = run(write_config(tmp_path), "stats")
    assert result.exit_code == 0 and "no flags" in result.output
    result = run(write_config(tmp_path), "stats", "--json")
    assert json.loads(result.output) == []


def test_update_lists_downloads_and_keeps_the_old_list_on_bad_data(tmp_path):
    served = {"body": b"# scam list\nscam-one.example\nSCAM-TWO.example\nnot a domain\n"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/list.txt"
        config = write_config(tmp_path, f'links = {{ scam_list = "scams.txt", scam_list_url = "{url}" }}')
        result = run(config, "update-lists")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "scams.txt").read_text().split() == ["scam-one.example", "scam-two.example"]
        served["body"] = b"<html>oops</html>"
        assert run(config, "update-lists").exit_code == 1
        assert (tmp_path / "scams.txt").read_text().split() == ["scam-one.example", "scam-two.example"]
    finally:
        server.shutdown()
    assert run(write_config(tmp_path), "update-lists").exit_code == 2  # nothing configured


@pytest.mark.skipif(not DATA.is_dir(), reason="public moderation data not present")
def test_eval_on_the_public_english_sample(tmp_path):
    sample = DATA / "samples" / "en_davidson_sample5000_seed42.csv"
    result = run(write_config(tmp_path), "eval", str(sample), "--label-column", "y", "--positive", "1",
                 "--group-column", "group", "--json", "--no-classifier")  # fmt: skip
    figures = json.loads(result.output)
    assert figures["f1"] > 0.85 and figures["false_positive_rate"] < 0.1


def test_train_learns_from_moderators_decisions(tmp_path):
    from datetime import UTC, datetime

    from bot.features import shipped_features
    from bot.wiring import open_store_for
    from config.loader import load_settings
    from handlers.moderation.flags import FlagDraft, RuleHit, decide, record_flag

    config = write_config(tmp_path, 'classifier = { model_path = "learned.pkl" }')
    store = open_store_for(load_settings(config), shipped_features())
    at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    try:
        for index, (text, acted) in enumerate([(t, label == "1") for t, label, _ in ROWS] * 3):
            draft = FlagDraft("demo", "console", "console", "general", f"m{index}", "alice", "medium",
                              (RuleHit("terms", "medium", False),), text, "console://general/m", at)  # fmt: skip
            flag_id, _ = record_flag(store.db, draft)
            decide(store.db, flag_id, "deleted" if acted else "dismissed", "claire", at)
    finally:
        store.close()
    result = run(config, "train")
    assert result.exit_code == 0, result.output
    assert "24 example(s) from moderators' decisions" in result.output and (tmp_path / "learned.pkl").exists()


def test_eval_errors_lists_the_mistakes_with_the_rules_that_fired(tmp_path):
    rows = [("you are a stupid b1tch", "0", "a"), ("what a lovely day", "1", "a"), ("espèce de connard", "1", "b"),
            ("FREE NITRO HERE discord-nitro-gift.ru", "0", "a"), ("the weather is nice", "0", "b")]
    data = write_rows(tmp_path / "rows.csv", rows)
    result = run(write_config(tmp_path), "eval", str(data), "--text-column", "message", "--label-column", "toxic",
                 "--no-classifier", "--errors", "1")
    assert result.exit_code == 0, result.output
    assert "false positives (flagged, labelled fine): 1 shown" in result.output
    assert "'you are a stupid b1tch'  <- terms (insults)" in result.output  # only the first one: N = 1
    assert "false negatives (labelled to flag, missed): 1 shown" in result.output
    assert "'what a lovely day'" in result.output
    figures = json.loads(run(write_config(tmp_path), "eval", str(data), "--text-column", "message",
                             "--label-column", "toxic", "--no-classifier", "--errors", "5", "--json").output)
    assert [e["text"] for e in figures["errors"]["false_negatives"]] == ["what a lovely day"]
    assert len(figures["errors"]["false_positives"]) == 2
