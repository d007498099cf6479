"""What the rules did across a corpus: figures from clean/*.json, and one HTML page to read.

The figures come from the `.json` records alone, so an audit of a large clean/ costs one JSON
read per article. The HTML report also shows every article's text with its removals marked;
for that it needs the inputs (raw/), and it reads the removals from the records when they are
current, cleaning on the fly otherwise.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.diff import (
    CATEGORY_COLOURS,
    DEFAULT_COLOUR,
    ArticleView,
    read_records,
    view_article,
)
from ingest.errors import IngestError, InputError, InternalError
from ingest.inputs import HTML_SUFFIXES, TEXT_SUFFIXES, display_path
from ingest.rules import Ruleset

_LARGEST = 10  # articles listed under "largest removed share"


@dataclass
class RuleStats:
    rule: str
    category: str
    hits: int = 0
    articles: int = 0
    words: int = 0
    example: str = ""


@dataclass(frozen=True)
class ArticleStats:
    key: str
    source: str
    title: str | None
    language: str | None
    words_kept: int
    words_removed: int
    truncated: bool
    stale: bool  # made by other rules than the ones audited with
    duplicate_of: str | None = None  # the key of the article it repeats

    @property
    def removed_share(self) -> float:
        total = self.words_kept + self.words_removed
        return self.words_removed / total if total else 0.0


@dataclass
class Audit:
    ruleset: str
    articles: list[ArticleStats] = field(default_factory=list)
    rules: list[RuleStats] = field(default_factory=list)
    never_fired: list[str] = field(default_factory=list)
    held_back: list[dict[str, Any]] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def largest_share(self) -> list[ArticleStats]:
        ranked = sorted(self.articles, key=lambda a: (-a.removed_share, a.key))
        return [a for a in ranked if a.words_removed][:_LARGEST]

    @property
    def truncated(self) -> list[ArticleStats]:
        return [a for a in self.articles if a.truncated]

    @property
    def stale(self) -> list[ArticleStats]:
        return [a for a in self.articles if a.stale]

    @property
    def duplicates(self) -> list[ArticleStats]:
        return [a for a in self.articles if a.duplicate_of is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "articles": len(self.articles),
            "rules": [asdict(r) for r in self.rules],
            "never_fired": self.never_fired,
            "largest_removed_share": [_article_json(a) for a in self.largest_share],
            "held_back": self.held_back,
            "languages": self.languages,
            "truncated": [a.key for a in self.truncated],
            "duplicates": {a.key: a.duplicate_of for a in self.duplicates},
            "stale": [a.key for a in self.stale],
            "errors": self.errors,
        }


def _article_json(a: ArticleStats) -> dict[str, Any]:
    return {**asdict(a), "removed_share": round(a.removed_share, 4)}


def audit(clean_dir: Path, ruleset: Ruleset) -> Audit:
    """Figures over every `<key>.json` in clean_dir, against the rules in `ruleset`."""
    result = Audit(ruleset=ruleset.id)
    stats = {r.id: RuleStats(r.id, r.category) for r in ruleset.rules}
    languages: Counter[str] = Counter()
    for path, meta in read_records(clean_dir):
        if isinstance(meta, InputError):
            result.errors.append(str(meta))
            continue
        key = path.stem
        removed_words = 0
        touched: set[str] = set()
        for entry in meta.removed:
            words = len(entry.text.split())
            removed_words += words
            rule = stats.setdefault(entry.rule, RuleStats(entry.rule, entry.category))
            rule.hits += 1
            rule.words += words
            rule.example = rule.example or " ".join(entry.text.split())[:160]
            touched.add(entry.rule)
        for rule_id in touched:
            stats[rule_id].articles += 1
        for held in meta.held_back:
            result.held_back.append({"key": key, **held.to_json()})
        languages[meta.language or "unknown"] += 1
        result.articles.append(
            ArticleStats(
                key=key,
                source=meta.source or key,
                title=meta.title,
                language=meta.language,
                words_kept=meta.word_count,
                words_removed=removed_words,
                truncated=meta.truncated,
                stale=meta.ruleset != ruleset.id,
                duplicate_of=meta.duplicate_of,
            )
        )
    result.rules = sorted(stats.values(), key=lambda r: (-r.hits, r.rule))
    result.never_fired = [r.id for r in ruleset.rules if stats[r.id].hits == 0]
    result.languages = dict(languages.most_common())
    return result


def article_views(
    audit_: Audit, ruleset: Ruleset, clean_dir: Path, raw_dir: Path
) -> dict[str, ArticleView | str]:
    """Each article's view for the report, or why it cannot be shown."""
    views: dict[str, ArticleView | str] = {}
    for article in audit_.articles:
        path = _input_for(article, raw_dir)
        if path is None:
            views[article.key] = f"no input found for {article.source} in {raw_dir}/"
            continue
        try:
            views[article.key] = view_article(path, ruleset, clean_dir=clean_dir)
        except IngestError as exc:
            views[article.key] = str(exc)
        except Exception as exc:  # never foreseen: this article's note, not the report's end
            views[article.key] = str(InternalError.of(display_path(path), exc))
    return views


def _input_for(article: ArticleStats, raw_dir: Path) -> Path | None:
    source = Path(article.source)
    if "://" not in article.source and source.is_file():
        return source
    for suffix in (*TEXT_SUFFIXES, *HTML_SUFFIXES):
        candidate = raw_dir / f"{article.key}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def render_html(audit_: Audit, views: dict[str, ArticleView | str]) -> str:
    """One self-contained page: overview tables, then every article with removals marked."""
    e = html.escape
    categories = sorted({r.category for r in audit_.rules if r.hits})
    css_colours = "\n".join(
        f'mark[data-category="{e(c)}"], .swatch[data-category="{e(c)}"] '
        f"{{ background: {colour}55; border-bottom: 2px solid {colour}; }}"
        for c, colour in sorted(
            {**dict.fromkeys(categories, DEFAULT_COLOUR), **CATEGORY_COLOURS}.items()
        )
    )
    rows = "\n".join(
        f'<tr data-rule="{e(r.rule)}"><td><code>{e(r.rule)}</code></td>'
        f'<td><span class="swatch" data-category="{e(r.category)}">{e(r.category)}</span></td>'
        f"<td>{r.hits}</td><td>{r.articles}</td><td>{r.words}</td><td>{e(r.example)}</td></tr>"
        for r in audit_.rules
        if r.hits
    )
    articles = "\n".join(_article_html(a, views.get(a.key, "")) for a in audit_.articles)
    rule_options = "".join(
        f'<option value="{e(r.rule)}">{e(r.rule)}</option>' for r in audit_.rules if r.hits
    )
    category_options = "".join(f'<option value="{e(c)}">{e(c)}</option>' for c in categories)
    return _PAGE.format(
        css_colours=css_colours,
        summary=e(
            f"{len(audit_.articles)} articles, ruleset {audit_.ruleset}, "
            f"{sum(r.hits for r in audit_.rules)} removals by "
            f"{sum(1 for r in audit_.rules if r.hits)} rules"
        ),
        stale=_list_html("Made with other rules (run ingest clean)", [a.key for a in audit_.stale])
        if audit_.stale
        else "",
        rows=rows,
        never=_list_html("Rules that never fired", audit_.never_fired, inline=True),
        largest=_list_html(
            "Largest removed share",
            [
                f"{a.key}: {a.removed_share:.0%} ({a.words_removed} of "
                f"{a.words_kept + a.words_removed} words)"
                for a in audit_.largest_share
            ],
        ),
        held=_list_html(
            "Held back (the guard refused a removal as too much of the article)",
            [
                f"{h['key']}: {h['rule']}, {h['words']} words ({h['share']:.0%})"
                + (f", {h['reason']}" if h.get("reason") else "")
                for h in audit_.held_back
            ],
        ),
        languages=_list_html("Languages", [f"{k}: {v}" for k, v in audit_.languages.items()]),
        truncated=_list_html("Truncated articles", [a.key for a in audit_.truncated])
        + _list_html(
            "Duplicates (the article each repeats)",
            [f"{a.key}: {a.duplicate_of}" for a in audit_.duplicates],
        ),
        errors=_list_html("Errors", audit_.errors),
        rule_options=rule_options,
        category_options=category_options,
        articles=articles,
    )


def _list_html(title: str, items: Sequence[str], *, inline: bool = False) -> str:
    e = html.escape
    if inline:
        return f"<h3>{e(title)} ({len(items)})</h3><p>{e(', '.join(items) or 'none')}</p>"
    body = "".join(f"<li>{e(i)}</li>" for i in items) if items else "<li>none</li>"
    return f"<h3>{e(title)} ({len(items)})</h3><ul>{body}</ul>"


def _article_html(article: ArticleStats, view: ArticleView | str) -> str:
    e = html.escape
    if isinstance(view, str):
        body = f'<p class="note">{e(view) or "not shown"}</p>'
        rules: set[str] = set()
        cats: set[str] = set()
    else:
        pieces = []
        for piece, mark in view.segments():
            if mark is None:
                pieces.append(e(piece))
            else:
                label = f"{mark.rule} · {mark.category}"
                pieces.append(
                    f'<mark data-rule="{e(mark.rule)}" data-category="{e(mark.category)}" '
                    f'title="{e(label)}">{e(piece)}</mark>'
                )
        page = "".join(
            f'<li><mark data-rule="{e(m.rule)}" data-category="{e(m.category)}" '
            f'title="{e(m.rule)} · {e(m.category)}">{e(m.text[:300])}</mark> '
            f"<code>{e(m.selector or '')}</code></li>"
            for m in view.page_marks
        )
        page_html = (
            f"<details><summary>Removed from the page ({len(view.page_marks)})</summary>"
            f"<ul>{page}</ul></details>"
            if page
            else ""
        )
        body = f'{page_html}<pre class="text">{"".join(pieces)}</pre>'
        rules = {m.rule for m in view.marks}
        cats = {m.category for m in view.marks}
    title = article.title or article.key
    return (
        f'<article data-rules=" {e(" ".join(sorted(rules)))} " '
        f'data-categories=" {e(" ".join(sorted(cats)))} ">'
        f'<h3>{e(title)}</h3><p class="meta"><code>{e(article.key)}</code> · '
        f"{e(article.source)} · {article.words_removed} words removed "
        f"({article.removed_share:.0%})</p>{body}</article>"
    )


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ingest audit</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em;
  color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td:first-child {{ white-space: nowrap; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .25em .5em; text-align: left;
  vertical-align: top; }}
td:nth-child(3), td:nth-child(4), td:nth-child(5) {{ text-align: right; }}
pre.text {{ white-space: pre-wrap; font: 14px/1.5 Georgia, serif; background: #fafafa;
  padding: 1em; border: 1px solid #eee; }}
mark {{ color: inherit; text-decoration: line-through; text-decoration-color: #0006; }}
.swatch {{ padding: 0 .3em; }}
article {{ margin: 2em 0; border-top: 3px solid #ccc; }}
.meta, .note {{ color: #666; }}
.filters {{ position: sticky; top: 0; background: #fff; padding: .5em 0;
  border-bottom: 1px solid #ddd; }}
.hidden {{ display: none; }}
mark.dim {{ background: transparent; border-bottom: 1px dotted #999; text-decoration: none; }}
.columns {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(20em, 1fr));
  gap: 0 2em; }}
{css_colours}
</style></head><body>
<h1>ingest audit</h1>
<p>{summary}</p>
{stale}
<h2>Rules</h2>
<table><thead><tr><th>rule</th><th>category</th><th>hits</th><th>articles</th><th>words</th>
<th>example</th></tr></thead><tbody>
{rows}
</tbody></table>
<div class="columns"><div>{never}</div><div>{largest}</div><div>{held}</div>
<div>{languages}{truncated}{errors}</div></div>
<h2 id="articles">Articles</h2>
<div class="filters">Show
<label>rule <select id="rule"><option value="">all</option>{rule_options}</select></label>
<label>category <select id="category"><option value="">all</option>{category_options}</select>
</label> <span id="count"></span></div>
{articles}
<script>
(function () {{
  var rule = document.getElementById("rule"), category = document.getElementById("category");
  function apply() {{
    var r = rule.value, c = category.value, shown = 0;
    document.querySelectorAll("article").forEach(function (a) {{
      var ok = (!r || a.dataset.rules.indexOf(" " + r + " ") >= 0) &&
               (!c || a.dataset.categories.indexOf(" " + c + " ") >= 0);
      a.classList.toggle("hidden", !ok);
      if (ok) shown++;
    }});
    document.querySelectorAll("article mark").forEach(function (m) {{
      var on = (!r || m.dataset.rule === r) && (!c || m.dataset.category === c);
      m.classList.toggle("dim", !on);
    }});
    document.getElementById("count").textContent = shown + " articles";
  }}
  rule.addEventListener("change", apply);
  category.addEventListener("change", apply);
  apply();
}})();
</script>
</body></html>
"""
