"""One error tree. Every error carries where it happened, the problem and the fix, and its
message says all three; a batch's outcomes carry the error itself.

IngestError
├── RuleError       a rule file or record is invalid (at load time): where, rule_id,
│                   problem, fix
└── _Located        about one input: source (a path or URL), problem, fix
    ├── InputError      the input cannot be read, or is not something ingest can clean
    ├── ExtractError    a page yielded no article text
    ├── FetchError      a URL could not be fetched
    ├── OutputError     an output of the input could not be written
    ├── LimitError      its work ran past its deadline or memory, or its worker died
    └── InternalError   an exception nobody foresaw: a bug, reported as that input's error
"""

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


class _Located(IngestError):
    """An error about one input: where (a path or URL), the problem, and the fix."""

    def __init__(self, source: str, problem: str, fix: str) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        super().__init__(f"{source}: {problem} ({fix})")

    def __reduce__(self) -> tuple[type[_Located], tuple[str, str, str]]:
        return (type(self), (self.source, self.problem, self.fix))


class InputError(_Located):
    """One input cannot be read or is not something ingest can clean."""


class ExtractError(_Located):
    """A saved or fetched page yielded no article text."""


class OutputError(_Located):
    """An output of one input (its `.txt`, `.json` or kept page) could not be written."""


class FetchError(_Located):
    """A URL could not be fetched."""

    @property
    def url(self) -> str:
        return self.source


class LimitError(_Located):
    """One input's extraction and cleaning ran past its deadline or its memory budget, or the
    process doing it died (killed by the system for its memory, or a crash in C code)."""


class InternalError(_Located):
    """An exception nobody foresaw while handling one input. It is a bug worth reporting;
    the batch goes on without that input."""

    @classmethod
    def of(cls, source: str, exc: BaseException) -> InternalError:
        return cls.about(source, cls.describe(exc))

    @classmethod
    def about(cls, source: str, detail: str) -> InternalError:
        """From an exception's description, where the exception itself cannot travel (it
        happened in another process and does not pickle)."""
        return cls(
            source,
            f"internal error ({detail})",
            "a bug in ingest: please report it with this input; the other inputs were handled",
        )

    @staticmethod
    def describe(exc: BaseException) -> str:
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
