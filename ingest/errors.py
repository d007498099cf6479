"""One error tree. Every message says what failed, where, and what to do about it."""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error ingest raises on purpose."""


class RuleError(IngestError):
    """A rule file or rule record is invalid (raised while loading the ruleset)."""

    def __init__(self, where: str, rule_id: str | None, problem: str, fix: str) -> None:
        self.where = where
        self.rule_id = rule_id
        self.problem = problem
        self.fix = fix
        who = f"rule '{rule_id}' in {where}" if rule_id else where
        super().__init__(f"{who}: {problem} ({fix})")

    def __reduce__(self) -> tuple[type[RuleError], tuple[str, str | None, str, str]]:
        # Errors cross process boundaries in batches; rebuild from the same arguments.
        return (type(self), (self.where, self.rule_id, self.problem, self.fix))


class InputError(IngestError):
    """One input cannot be read or is not something ingest can clean."""

    def __init__(self, source: str, problem: str, fix: str) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        super().__init__(f"{source}: {problem} ({fix})")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str]]:
        return (type(self), (self.source, self.problem, self.fix))


class ExtractError(IngestError):
    """A saved or fetched page yielded no article text."""


class FetchError(IngestError):
    """A URL could not be fetched."""
