"""Evidence for the rules: on how many sites each rule removed text, read from ingest records.

A generic rule (one without `sites`) earns its place by removing text on at least `MIN_SITES`
different sites of a corpus. A rule with evidence from one site carries that site's wording:
it belongs in `rules/sites/<domain>.toml`, scoped to the site, unless it can be broadened to
the general form; a rule with no evidence at all is broadened or goes. Site-scoped rules are
exempt: one site is what they are for.

The figures come from what `ingest clean` and `ingest fetch` recorded (each record's
`removed[]` and `held_back[]`), never re-derived, so a corpus of thousands of records costs
one JSON read each. A record's site is its `site` field, else the domain of its `final_url`
or `url`; a record with none (pasted text cleaned without `--url`) counts as a site of its
own, named `?<folder>/<key>`: nothing says two such texts came from one site, and counting
them all as one would leave every rule of a paste corpus on "one site".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.diff import read_records
from ingest.errors import InputError
from ingest.inputs import display_path
from ingest.pipeline import site_of
from ingest.record import Record
from ingest.rulecheck import Problem
from ingest.rules import Ruleset

# Sites a generic rule must remove text on.
MIN_SITES = 2
_EXAMPLE_CHARS = 160


@dataclass
class RuleEvidence:
    """What one rule removed across a corpus."""

    rule: str
    category: str
    file: str  # the rule file, relative to the rules folder ("" for a rule not in the ruleset)
    scoped: bool  # a site-scoped rule: exempt from the sites test
    removals: int = 0
    held_back: int = 0  # removals the guard refused (not evidence: nothing was removed)
    sites: Counter[str] = field(default_factory=Counter)  # site -> removals on it
    examples: dict[str, str] = field(default_factory=dict)  # site -> the first text removed

    @property
    def thin(self) -> bool:
        """A generic rule with evidence from fewer than MIN_SITES sites."""
        return not self.scoped and len(self.sites) < MIN_SITES

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "file": self.file,
            "scoped": self.scoped,
            "removals": self.removals,
            "held_back": self.held_back,
            "sites": len(self.sites),
            "removals_per_site": dict(sorted(self.sites.items(), key=lambda s: (-s[1], s[0]))),
            "examples": self.examples,
            "thin": self.thin,
        }


@dataclass
class Evidence:
    """Per rule of a ruleset, its removals and sites across the corpus folders."""

    ruleset: str
    corpora: list[str] = field(default_factory=list)
    records: int = 0
    stale: int = 0  # records made with another ruleset: their evidence may be out of date
    rules: list[RuleEvidence] = field(default_factory=list)  # fewest sites first
    # Rules the records name that the ruleset lacks (renamed or gone): rule -> removals.
    unknown: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # records that could not be read

    @property
    def thin(self) -> list[RuleEvidence]:
        return [r for r in self.rules if r.thin]

    def to_json(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "corpora": self.corpora,
            "records": self.records,
            "stale": self.stale,
            "min_sites": MIN_SITES,
            "rules": [r.to_json() for r in self.rules],
            "thin": [r.rule for r in self.thin],
            "unknown_rules": self.unknown,
            "errors": self.errors,
        }


def record_site(record: Record, where: str) -> str:
    """The site a record counts for; `where` (its folder and key) names a record without one."""
    return record.site or site_of(record.final_url) or site_of(record.url) or f"?{where}"


def evidence(corpora: Sequence[Path], ruleset: Ruleset) -> Evidence:
    """Each rule's removals, held-back removals and sites over every record in `corpora`."""
    result = Evidence(ruleset=ruleset.id, corpora=[display_path(c) for c in corpora])
    stats = {
        r.id: RuleEvidence(r.id, r.category, r.file, scoped=bool(r.sites)) for r in ruleset.rules
    }
    unknown: Counter[str] = Counter()
    for folder in corpora:
        for path, meta in read_records(folder):
            if isinstance(meta, InputError):
                result.errors.append(str(meta))
                continue
            result.records += 1
            result.stale += meta.ruleset != ruleset.id
            site = record_site(meta, f"{display_path(folder)}/{path.stem}")
            for entry in meta.removed:
                rule = stats.get(entry.rule)
                if rule is None:
                    unknown[entry.rule] += 1
                    continue
                rule.removals += 1
                rule.sites[site] += 1
                rule.examples.setdefault(site, " ".join(entry.text.split())[:_EXAMPLE_CHARS])
            for held in meta.held_back:
                if held.rule in stats:
                    stats[held.rule].held_back += 1
    result.rules = sorted(stats.values(), key=lambda r: (len(r.sites), r.removals, r.rule))
    result.unknown = dict(sorted(unknown.items()))
    return result


def problems(found: Evidence) -> list[Problem]:
    """The lint's findings (records that cannot be read are `found.errors`): a corpus without
    records, or else each generic rule with evidence from fewer than MIN_SITES sites."""
    if not found.records:
        return [
            Problem(
                ", ".join(found.corpora),
                None,
                "holds no ingest records (<key>.json): clean inputs into it with "
                "`ingest clean PATH --out DIR`",
            )
        ]
    return [Problem(r.file, r.rule, thin_message(r, found.records)) for r in found.thin]


def thin_message(rule: RuleEvidence, records: int) -> str:
    """What is wrong with a thin rule's evidence and what to do about it."""
    if not rule.sites:
        return (
            f"removed nothing in the corpus ({records} records): broaden it to the form real "
            "sites print, or delete it"
        )
    ((site, count),) = rule.sites.items()
    example = rule.examples[site][:80]
    if site.startswith("?"):
        return (
            f"removed text in one record only ({site[1:]}: {count} removals, e.g. {example!r}), "
            "whose site is unknown: clean its input with --url to name the site, broaden the "
            "rule, or delete it"
        )
    return (
        f"removed text on one site only ({site}: {count} removals, e.g. {example!r}): "
        f'move it to rules/sites/{site}.toml with sites = ["{site}"], broaden it to the form '
        "other sites print, or delete it"
    )
