"""Definitions written once: docs/figures.md holds the same text as each metric's
`definition` in the registry, and each is in Vietnamese for the dashboard."""

import re
from pathlib import Path

from django.utils import translation

from reports.metrics import metrics

DOCS = Path(__file__).resolve().parents[2] / "docs" / "figures.md"


def plain(text: str) -> str:
    """Markdown's quoted paragraphs as plain text, whitespace folded."""
    return " ".join(re.sub(r"^> ?", "", text, flags=re.MULTILINE).split())


def test_docs_give_each_metrics_definition_word_for_word():
    docs = plain(DOCS.read_text(encoding="utf-8"))
    with translation.override("en"):
        for metric in metrics():
            assert f"`{metric.key}`" in docs, metric.key
            assert plain(str(metric.definition)) in docs, metric.key


def test_each_metric_reads_in_vietnamese():
    for metric in metrics():
        with translation.override("en"):
            english = (str(metric.label), str(metric.definition))
        with translation.override("vi"):
            vietnamese = (str(metric.label), str(metric.definition))
        assert vietnamese[0] != english[0] and vietnamese[1] != english[1], metric.key
        for values in metric.params.values():
            for label in values.values():
                with translation.override("en"):
                    english = str(label)
                with translation.override("vi"):
                    assert str(label) != english, metric.key
