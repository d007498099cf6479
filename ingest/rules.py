"""Rule records: loading, validation and compilation of the TOML ruleset.

A rule is data. This module turns `rules/**/*.toml` into frozen `Rule` objects whose patterns
are compiled once with RE2, a linear-time engine: no pattern can backtrack catastrophically,
so no rule can hang a run, whatever text it meets.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeAlias

import cssselect
import re2

from ingest.errors import RuleError

Scope: TypeAlias = Literal[
    "line",
    "span",
    "block",
    "tail",
    "shape",
    "html",
    "repeated-headline",
    "foreign-language",
    "link-tail",
]
FactValue: TypeAlias = bool | int | float | str

PATTERN_SCOPES: frozenset[str] = frozenset({"line", "span", "block", "tail"})
BUILTIN_SCOPES: frozenset[str] = frozenset({"repeated-headline", "foreign-language", "link-tail"})
HTML_SCOPE = "html"
SHAPE_SCOPE = "shape"
INPUTS = ("text", "page")

CATEGORIES: frozenset[str] = frozenset(
    {
        "paywall", "device-limit", "donation", "sponsor", "copyright", "adblock",
        "newsletter", "social", "related-links", "corrections", "caption", "navigation",
        "byline", "junk", "title", "language", "comments", "contact",
    }
)  # fmt: skip


def site_name(host: str) -> str:
    """How a site is named everywhere (rules' `sites`, records, output keys): its host in lower
    case, without a leading "www."."""
    return host.lower().removeprefix("www.")


# Facts a rule may yield; the metadata stage knows how to read each one.
FACTS: frozenset[str] = frozenset(
    {"truncated", "percent_left", "author", "date", "date_modified", "reading_time"}
)

_RULE_KEYS = frozenset(
    {
        "id", "category", "why", "languages", "sites", "scope", "pattern", "end",
        "max_lines", "within", "facts", "examples", "selectors", "max_words", "shape",
        "inputs",
    }
)  # fmt: skip
_EXAMPLE_KEYS = frozenset({"remove", "keep", "cases"})
_NEIGHBOURS = ("beside", "above", "below")
_SHAPE_KEYS = frozenset({"words", "sentence", "case", "run", "position", *_NEIGHBOURS})
_POSITIONS = ("anywhere", "before-prose", "after-prose", "outside-prose", "end")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_WITHIN = re.compile(r"(first|last) ([1-9][0-9]*)")
# A field of a fact template ("{percent}"): a named group of the rule's pattern.
TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_LANGUAGE = re.compile(r"[a-z]{2}|\*")
_DEFINE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_DEFINE_REF = re.compile(r"\(\?&([a-z][a-z0-9_]*)\)")
_DEFAULT_MAX_LINES = 40
# Page furniture holds little prose outside its links; an element with more is article text
# that a broad selector happened to match.
_DEFAULT_MAX_WORDS = 120


@dataclass(frozen=True)
class Window:
    """Only matches that start within the first or last N non-blank lines count."""

    side: Literal["first", "last"]
    lines: int


@dataclass(frozen=True)
class Shape:
    """What a `scope = "shape"` rule asks of a line and its neighbours (see the README's
    "Rules over the shape of lines"). Every condition must hold; a run is of lines that each
    meet them, blank lines between not counting, and its neighbours are the lines around it
    (a line its neighbour patterns match is a neighbour, never in the run)."""

    words: tuple[int, int] = (1, 1_000_000)  # the line's words, inclusive bounds
    sentence: bool | None = None  # ends like a sentence (. ! ? …), or not; None: either
    case: Literal["upper", "capital"] | None = None  # all letters capitals / starts with one
    run: int = 1  # at least this many such lines in a row
    # where the lines are, against the text's prose (lines of full sentences); "end": after
    # the prose, in a run that ends the text
    position: Literal["anywhere", "before-prose", "after-prose", "outside-prose", "end"] = (
        "anywhere"
    )
    # Patterns for the lines around a run (one line, or `run` lines or more): the line before
    # or after it (beside), the line after it (the run is `above` it), the line before it (the
    # run is `below` it); lines as the text came, before any rule took them.
    beside: str | None = None
    above: str | None = None
    below: str | None = None
    compiled: tuple[tuple[str, Any], ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Case:
    text: str
    clean: str


@dataclass(frozen=True)
class Examples:
    remove: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    cases: tuple[Case, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    why: str
    scope: Scope
    file: str
    languages: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    pattern: str | None = None
    end: str | None = None
    selectors: tuple[str, ...] = ()
    max_words: int | None = _DEFAULT_MAX_WORDS  # html: prose outside links an element may hold
    shape: Shape | None = None  # shape: what the lines look like
    # Which texts the rule cleans: pasted "text", the text extracted from a "page", or both.
    inputs: tuple[str, ...] = INPUTS
    max_lines: int = _DEFAULT_MAX_LINES
    within: Window | None = None
    facts: tuple[tuple[str, FactValue], ...] = ()
    examples: Examples = field(default_factory=Examples)
    compiled: Any = field(default=None, compare=False, repr=False)
    compiled_end: Any = field(default=None, compare=False, repr=False)

    def applies_to(self, site: str | None) -> bool:
        """Site-scoped rules fire only on their domains (and subdomains of them)."""
        if not self.sites:
            return True
        if site is None:
            return False
        site = site_name(site)
        return any(site == s or site.endswith("." + s) for s in self.sites)


@dataclass(frozen=True)
class Ruleset:
    rules: tuple[Rule, ...]
    id: str
    source: str

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def only(self, *rule_ids: str) -> Ruleset:
        """A ruleset holding just these rules (used to run one rule's examples)."""
        picked = tuple(self.get(r) for r in rule_ids)
        return replace(self, rules=picked, id=f"{self.id}[{','.join(rule_ids)}]")


def default_rules_dir() -> Path:
    """The project's rules/ folder, shipped with the package as the data package `ingest_rules`.

    An editable install resolves it to the checkout's rules/, so edits take effect at once.
    """
    spec = importlib.util.find_spec("ingest_rules")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    raise RuleError(
        "ingest_rules",
        None,
        "the default rules are not installed",
        "reinstall ingest, or pass --rules DIR",
    )


def load_ruleset(directory: Path | str | None = None) -> Ruleset:
    """Load, validate and compile every `*.toml` under `directory` (recursively, sorted)."""
    root = _rules_root(directory)
    rules, digest = _walk(root, errors=None)
    return Ruleset(rules=tuple(rules), id="sha256:" + digest, source=str(root))


def rule_errors(directory: Path | str | None = None) -> list[RuleError]:
    """Every problem loading `directory` would stop at, each file and rule checked on its own.

    `load_ruleset` refuses a ruleset at its first error; `ingest rules lint` wants them all.
    """
    try:
        root = _rules_root(directory)
    except RuleError as exc:
        return [exc]
    errors: list[RuleError] = []
    _walk(root, errors=errors)
    return errors


def _rules_root(directory: Path | str | None) -> Path:
    root = Path(directory) if directory is not None else default_rules_dir()
    if not root.is_dir():
        raise RuleError(str(root), None, "is not a folder", "pass --rules DIR with *.toml files")
    if not any(p.is_file() for p in root.rglob("*.toml")):
        raise RuleError(str(root), None, "holds no *.toml rule files", "pass --rules DIR")
    return root


def _walk(root: Path, *, errors: list[RuleError] | None) -> tuple[list[Rule], str]:
    """Read, validate and compile every rule file under `root`: the rules, and a hash of the
    files. Without `errors` the first problem raises; with it, each problem is added there and
    the walk goes on with the next file or rule."""

    def report(exc: RuleError) -> None:
        if errors is None:
            raise exc
        errors.append(exc)

    digest = hashlib.sha256()
    docs: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(p for p in root.rglob("*.toml") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        data = path.read_bytes()
        digest.update(rel.encode() + b"\0" + data + b"\0")
        try:
            docs.append((rel, _read_toml(rel, data)))
        except RuleError as exc:
            report(exc)
    try:
        defines = _collect_defines(docs)
    except RuleError as exc:
        report(exc)
        defines = {}
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for rel, doc in docs:
        try:
            records = _records(rel, doc)
        except RuleError as exc:
            report(exc)
            continue
        for index, rec in enumerate(records):
            try:
                rule = _parse_rule(rel, index, rec, defines)
            except RuleError as exc:
                report(exc)
                continue
            if rule.id in seen:
                report(
                    RuleError(
                        rel,
                        rule.id,
                        f"duplicate id (also in {seen[rule.id]})",
                        "give it a unique id",
                    )
                )
                continue
            seen[rule.id] = rel
            rules.append(rule)
    return rules, digest.hexdigest()[:16]


def rules_from_toml(text: str, where: str = "<string>") -> Ruleset:
    """Build a ruleset from TOML text (tests and embedding; same validation as files)."""
    doc = _read_toml(where, text.encode())
    rules = _parse_rules(where, doc, _collect_defines([(where, doc)]))
    ids = [r.id for r in rules]
    for rid in ids:
        if ids.count(rid) > 1:
            raise RuleError(where, rid, "duplicate id", "give it a unique id")
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Ruleset(rules=tuple(rules), id="sha256:" + digest, source=where)


def _read_toml(where: str, data: bytes) -> dict[str, Any]:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(where, None, f"is not valid UTF-8 TOML: {exc}", "fix the syntax") from exc
    extra = set(doc) - {"rule", "define"}
    if extra:
        raise RuleError(
            where, None, f"unknown top-level keys {sorted(extra)}", "put rules in [[rule]] tables"
        )
    return doc


def _collect_defines(docs: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, str]:
    """Named sub-patterns from [define] tables, shared by the whole ruleset."""
    defines: dict[str, str] = {}
    origin: dict[str, str] = {}
    for where, doc in docs:
        table = doc.get("define", {})
        if not isinstance(table, dict):
            raise RuleError(where, None, "'define' must be a table", "write [define] name = '...'")
        for name, value in table.items():
            if not _DEFINE_NAME.fullmatch(name) or not isinstance(value, str) or not value:
                raise RuleError(
                    where,
                    None,
                    f"bad define {name!r}",
                    "use lower_snake_case names with non-empty pattern strings",
                )
            if name in defines:
                raise RuleError(
                    where,
                    None,
                    f"define {name!r} repeats one in {origin[name]}",
                    "define each name once",
                )
            defines[name], origin[name] = value, where
    return defines


def _expand(pattern: str, defines: Mapping[str, str], fail: Any) -> str:
    for _ in range(8):  # defines may use defines; a cycle stops here
        names = _DEFINE_REF.findall(pattern)
        if not names:
            return pattern
        for name in names:
            if name not in defines:
                raise fail(f"uses undefined (?&{name})", "add it to a [define] table")
        pattern = _DEFINE_REF.sub(lambda m: "(?:" + defines[m.group(1)] + ")", pattern)
    raise fail("defines nest too deeply or in a cycle", "simplify the [define] tables")


def _parse_rules(where: str, doc: Mapping[str, Any], defines: Mapping[str, str]) -> list[Rule]:
    return [_parse_rule(where, i, rec, defines) for i, rec in enumerate(_records(where, doc))]


def _records(where: str, doc: Mapping[str, Any]) -> list[Any]:
    records = doc.get("rule", [])
    if not isinstance(records, list):
        raise RuleError(where, None, "'rule' must be an array of tables", "write [[rule]]")
    return records


def _parse_rule(where: str, index: int, rec: Mapping[str, Any], defines: Mapping[str, str]) -> Rule:
    rid = rec.get("id")
    if not isinstance(rid, str) or not _ID.fullmatch(rid):
        raise RuleError(
            where, None, f"rule #{index + 1} has no valid id ({rid!r})", "use a kebab-case id"
        )

    def fail(problem: str, fix: str) -> RuleError:
        return RuleError(where, rid, problem, fix)

    unknown = set(rec) - _RULE_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}", f"allowed keys: {sorted(_RULE_KEYS)}")
    category = rec.get("category")
    if category not in CATEGORIES:
        raise fail(f"unknown category {category!r}", f"use one of {sorted(CATEGORIES)}")
    why = rec.get("why")
    if not isinstance(why, str) or len(why.strip()) < 10:
        raise fail("missing 'why'", "say in a sentence what this text is and why it is not news")
    scope = rec.get("scope", "line")
    if scope not in PATTERN_SCOPES | BUILTIN_SCOPES | {HTML_SCOPE, SHAPE_SCOPE}:
        known = sorted(PATTERN_SCOPES | BUILTIN_SCOPES | {HTML_SCOPE, SHAPE_SCOPE})
        raise fail(f"unknown scope {scope!r}", f"use one of {known}")
    selectors = _str_tuple(rec.get("selectors", ()), fail, "selectors")
    if scope == HTML_SCOPE:
        if not selectors:
            raise fail("missing 'selectors'", "an html rule lists CSS selectors to remove")
        for selector in selectors:
            try:  # as extraction matches it: cssselect's XPath, on lxml's tree
                cssselect.HTMLTranslator().css_to_xpath(selector)
            except cssselect.SelectorError as exc:
                raise fail(f"bad CSS selector {selector!r}: {exc}", "fix the selector") from exc
    elif selectors:
        raise fail("'selectors' given", "only scope = 'html' takes CSS selectors")
    if "max_words" in rec and scope != HTML_SCOPE:
        # it would be silently ignored: text rules are held back by the guard's share instead
        raise fail("'max_words' given", "only scope = 'html' takes max_words; remove it")
    max_words = rec.get("max_words", _DEFAULT_MAX_WORDS)
    if max_words == 0:
        max_words = None  # no limit: comment sections are long prose by nature
    elif not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 0:
        raise fail(f"bad max_words {max_words!r}", "use a whole number; 0 means no limit")
    languages = _str_tuple(rec.get("languages", ()), fail, "languages")
    for lang in languages:
        if not _LANGUAGE.fullmatch(lang):
            raise fail(f"bad language {lang!r}", "use ISO 639-1 codes such as 'en', or '*'")
    sites = tuple(site_name(s) for s in _str_tuple(rec.get("sites", ()), fail, "sites"))
    inputs = _str_tuple(rec.get("inputs", INPUTS), fail, "inputs")
    if not inputs or set(inputs) - set(INPUTS):
        raise fail(f"bad inputs {list(inputs)!r}", 'write inputs = ["text"], ["page"] or both')
    if scope == HTML_SCOPE and "inputs" in rec:
        raise fail("'inputs' given", "an html rule cleans pages only; remove it")

    pattern = rec.get("pattern")
    end = rec.get("end")
    compiled = compiled_end = None
    shape = None
    if scope == SHAPE_SCOPE:
        shape = _parse_shape(rec.get("shape"), defines, fail)
        if pattern is not None:  # optional: each line of the run must also hold a match
            if not isinstance(pattern, str) or not pattern:
                raise fail("bad 'pattern'", "a shape rule's pattern is a non-empty string")
            compiled = _compile(_expand(pattern, defines, fail), fail, "pattern")
        if end is not None:
            raise fail("'end' given", "only scope = 'block' takes an end marker")
    elif "shape" in rec:
        raise fail("'shape' given", "only scope = 'shape' takes a shape table")
    elif scope in PATTERN_SCOPES:
        if not isinstance(pattern, str) or not pattern:
            raise fail("missing 'pattern'", f"scope '{scope}' needs a pattern")
        compiled = _compile(_expand(pattern, defines, fail), fail, "pattern")
        if scope == "block":
            if not isinstance(end, str) or not end:
                raise fail("missing 'end'", "a block needs an end marker pattern")
            compiled_end = _compile(_expand(end, defines, fail), fail, "end")
        elif end is not None:
            raise fail("'end' given", "only scope = 'block' takes an end marker")
    elif pattern is not None or end is not None:
        raise fail(f"scope '{scope}' takes no pattern", "remove 'pattern' and 'end'")
    if shape is not None and "within" in rec and shape.position != "anywhere":
        raise fail("both 'within' and shape.position given", "use one way to say where")

    max_lines = rec.get("max_lines", _DEFAULT_MAX_LINES)
    if not isinstance(max_lines, int) or isinstance(max_lines, bool) or max_lines < 1:
        raise fail(f"bad max_lines {max_lines!r}", "use a positive whole number")
    within = None
    if "within" in rec:
        m = _WITHIN.fullmatch(str(rec["within"]))
        if not m:
            raise fail(f"bad within {rec['within']!r}", "write 'first N' or 'last N'")
        side: Literal["first", "last"] = "first" if m.group(1) == "first" else "last"
        within = Window(side, int(m.group(2)))

    facts = _parse_facts(rec.get("facts", {}), compiled, fail)
    examples = _parse_examples(rec.get("examples"), fail)
    return Rule(
        id=rid,
        category=category,
        why=" ".join(why.split()),
        scope=scope,
        file=where,
        languages=languages,
        sites=sites,
        selectors=selectors,
        max_words=max_words,
        shape=shape,
        inputs=tuple(i for i in INPUTS if i in inputs),
        pattern=pattern,
        end=end,
        max_lines=max_lines,
        within=within,
        facts=facts,
        examples=examples,
        compiled=compiled,
        compiled_end=compiled_end,
    )


def _parse_shape(raw: Any, defines: Mapping[str, str], fail: Any) -> Shape:
    if not isinstance(raw, dict) or not raw:
        raise fail(
            "missing 'shape'", "a shape rule has a shape table: shape = { words = [1, 8], ... }"
        )
    unknown = set(raw) - _SHAPE_KEYS
    if unknown:
        raise fail(f"unknown shape keys {sorted(unknown)}", f"use {sorted(_SHAPE_KEYS)}")
    words = raw.get("words", [1, 1_000_000])
    if (
        not isinstance(words, list)
        or len(words) != 2
        or not all(isinstance(w, int) and not isinstance(w, bool) for w in words)
        or not 1 <= words[0] <= words[1]
    ):
        raise fail(f"bad shape.words {words!r}", "write words = [least, most], 1 <= least <= most")
    sentence = raw.get("sentence")
    if sentence is not None and not isinstance(sentence, bool):
        raise fail(f"bad shape.sentence {sentence!r}", "write sentence = true or false")
    case = raw.get("case")
    if case not in (None, "upper", "capital"):
        raise fail(f"bad shape.case {case!r}", "write case = 'upper' or 'capital'")
    run = raw.get("run", 1)
    if not isinstance(run, int) or isinstance(run, bool) or not 1 <= run <= 100:
        raise fail(f"bad shape.run {run!r}", "write run = N, a number of lines from 1 to 100")
    position = raw.get("position", "anywhere")
    if position not in _POSITIONS:
        raise fail(f"bad shape.position {position!r}", f"use one of {list(_POSITIONS)}")
    neighbours: dict[str, str] = {}
    compiled: list[tuple[str, Any]] = []
    for side in _NEIGHBOURS:
        value = raw.get(side)
        if value is None:
            continue
        if not isinstance(value, str) or not value:
            raise fail(f"bad shape.{side}", f"write {side} = 'a pattern for the neighbouring line'")
        neighbours[side] = value
        compiled.append((side, _compile(_expand(value, defines, fail), fail, f"shape.{side}")))
    if words == [1, 1_000_000] and sentence is None and case is None and not neighbours:
        raise fail("the shape says nothing of the line", "bound its words, sentence or case")
    return Shape(
        words=(words[0], words[1]),
        sentence=sentence,
        case=case,
        run=run,
        position=position,
        beside=neighbours.get("beside"),
        above=neighbours.get("above"),
        below=neighbours.get("below"),
        compiled=tuple(compiled),
    )


def _re2_hint(detail: str) -> str:
    """How to fix a pattern RE2 refused, from RE2's own message."""
    if detail.startswith("invalid repetition size"):
        return (
            "RE2 counts at most 1000 repetitions, nested bounds multiplied ({5,200} inside "
            "{1,12} is 2,400): use + or * for the outer one, or smaller bounds"
        )
    if detail.endswith(("(?=", "(?!", "(?<=", "(?<!")):
        return "RE2 has no lookarounds: match the context, and name the part to remove (?P<cut>...)"
    if detail.startswith("invalid escape sequence: \\") and detail[-1:].isdigit():
        return "RE2 has no backreferences: spell the repeated text out"
    return "see RE2's syntax: https://github.com/google/re2/wiki/Syntax"


def _compile(pattern: str, fail: Any, what: str) -> Any:
    options = re2.Options()
    options.log_errors = False
    try:
        compiled = re2.compile("(?m)" + pattern, options)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise fail(f"{what} is not valid RE2 syntax: {detail}", _re2_hint(str(detail))) from exc
    if compiled.search("") is not None:
        raise fail(f"{what} matches the empty string", "make it require at least one character")
    if compiled.search(" \n\t\n") is not None:
        raise fail(f"{what} matches blank text", "make it require at least one visible character")
    return compiled


def _str_tuple(value: Any, fail: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise fail(f"'{key}' must be a list of strings", f'write {key} = ["..."]')
    return tuple(value)


def _parse_facts(raw: Any, compiled: Any, fail: Any) -> tuple[tuple[str, FactValue], ...]:
    if not isinstance(raw, dict):
        raise fail("'facts' must be a table", "write facts = { name = value }")
    groups = set(compiled.groupindex) if compiled is not None else set()
    out: list[tuple[str, FactValue]] = []
    for name, value in raw.items():
        if name not in FACTS:
            raise fail(f"unknown fact {name!r}", f"use one of {sorted(FACTS)}")
        if not isinstance(value, bool | int | float | str):
            raise fail(f"fact {name!r} has a {type(value).__name__} value", "use a scalar")
        if isinstance(value, str):
            missing = set(TEMPLATE_FIELD.findall(value)) - groups
            if missing:
                raise fail(
                    f"fact {name!r} names groups {sorted(missing)} the pattern lacks",
                    "add (?P<name>...) groups to the pattern",
                )
        out.append((name, value))
    return tuple(out)


def _parse_examples(raw: Any, fail: Any) -> Examples:
    if not isinstance(raw, dict):
        raise fail(
            "no examples", "add examples.remove and examples.keep: they are the rule's tests"
        )
    unknown = set(raw) - _EXAMPLE_KEYS
    if unknown:
        raise fail(f"unknown example keys {sorted(unknown)}", f"use {sorted(_EXAMPLE_KEYS)}")
    remove = _str_tuple(raw.get("remove", ()), fail, "examples.remove")
    keep = _str_tuple(raw.get("keep", ()), fail, "examples.keep")
    cases_raw = raw.get("cases", [])
    cases: list[Case] = []
    for case in cases_raw if isinstance(cases_raw, list) else [cases_raw]:
        if not isinstance(case, dict) or set(case) != {"text", "clean"}:
            raise fail("each example case needs 'text' and 'clean'", "write {text=..., clean=...}")
        cases.append(Case(str(case["text"]), str(case["clean"])))
    if not (remove or cases):
        raise fail("no examples of text it removes", "add examples.remove or examples.cases")
    if not keep:
        raise fail("no examples of text it keeps", "add examples.keep with near-miss sentences")
    return Examples(remove=remove, keep=keep, cases=tuple(cases))
