"""`ingest audit`: figures over clean/, and the HTML report, checked in a real browser."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ingest import Ruleset
from ingest.audit import article_views, audit, render_html

from .browser import chromium, find_or_install_chromium
from .helpers import run_ingest

PAYWALL = "You have 55% of this article left to read. The rest is for subscribers only."
BODY = (
    "The ministers met on Monday to discuss the budget and defence spending for the coming "
    "year, and officials said the talks would continue until an agreement was reached."
)
HOSTILE = 'Readers wrote <script>document.title="owned"</script> and <b>bold</b> & more.'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "talks.txt").write_text(
        f"Talks resume in Brussels\n\n{BODY}\n\n{PAYWALL}\n\nSign up for our newsletter\n",
        encoding="utf-8",
    )
    (raw / "quiet.txt").write_text(f"A quiet story\n\n{BODY}\n\n{HOSTILE}\n", encoding="utf-8")
    assert run_ingest("clean", cwd=tmp_path).returncode == 0
    return tmp_path


def test_figures_agree_with_the_records(project: Path, ruleset: Ruleset) -> None:
    result = audit(project / "clean", ruleset)
    records = [json.loads(p.read_text("utf-8")) for p in sorted((project / "clean").glob("*.json"))]
    hits = Counter(e["rule"] for r in records for e in r["removed"])
    by_rule = {s.rule: s for s in result.rules}
    assert {rule: by_rule[rule].hits for rule in hits} == dict(hits)
    paywall = by_rule["paywall-percent-left-en"]
    assert (paywall.articles, paywall.words) == (1, len(PAYWALL.split()))
    assert paywall.example == PAYWALL
    assert set(result.never_fired) == {r.id for r in ruleset.rules} - set(hits)
    assert [a.key for a in result.truncated] == ["talks"]
    assert result.largest_share[0].key == "talks"
    assert result.languages == {"en": 2}
    assert result.stale == []


def test_cli_audit_json_and_a_stale_record(project: Path) -> None:
    record = project / "clean" / "quiet.json"
    meta = json.loads(record.read_text("utf-8"))
    record.write_text(json.dumps({**meta, "ruleset": "sha256:older"}), encoding="utf-8")
    result = run_ingest("audit", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["articles"] == 2 and figures["stale"] == ["quiet"]
    assert figures["truncated"] == ["talks"]
    (project / "clean" / "broken.json").write_text("{not json", encoding="utf-8")
    broken = run_ingest("audit", cwd=project)
    assert broken.returncode == 1
    assert "clean/broken.json" in broken.stderr.decode()
    assert "paywall-percent-left-en" in broken.stdout.decode()  # the rest is still reported


def test_report_escapes_article_text(project: Path, ruleset: Ruleset) -> None:
    result = audit(project / "clean", ruleset)
    page = render_html(result, article_views(result, ruleset, project / "clean", project / "raw"))
    assert "&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more." in page
    assert page.count("<script>") == 1  # the report's own filter script, nothing else
    assert 'data-rule="paywall-percent-left-en"' in page
    assert "http://" not in page and "https://" not in page  # self-contained


@pytest.fixture(scope="session")
def browser() -> str:
    binary = find_or_install_chromium()
    if binary is None:
        pytest.skip("no Chromium here and it cannot be installed (apt-get as root)")
    return binary


def test_report_in_a_real_browser(project: Path, browser: str, tmp_path: Path) -> None:
    from PIL import Image

    report = project / "report.html"
    result = run_ingest("audit", "--html", str(report), cwd=project)
    assert result.returncode == 0, result.stderr
    url = report.resolve().as_uri()

    dom = chromium(browser, tmp_path / "p1", "--dump-dom", url).stdout.decode()
    assert "<title>ingest audit</title>" in dom  # the article's script did not run
    assert "&lt;script&gt;document.title" in dom  # ...it is shown as text
    assert "2 articles" in dom  # the report's own script did run

    shot = tmp_path / "report.png"
    chromium(browser, tmp_path / "p2", f"--screenshot={shot}", "--window-size=1000,2400", url)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1000, 2400)
    colours = {colour: n for n, colour in image.getcolors(maxcolors=1 << 24) or []}
    # the paywall category's underline colour (#d62728) is drawn under removed text
    assert colours.get((0xD6, 0x27, 0x28), 0) > 100
    # mostly a white page with text on it, not a blank or error page
    white = colours.get((255, 255, 255), 0) / (1000 * 2400)
    assert 0.5 < white < 0.99
