"""How the modules stand on one another: no import loop, and each layer imports only what it
needs (extraction not the text engine, reading text not the page machinery)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ingest"


def _imports(path: Path) -> set[str]:
    """The ingest modules a module imports when it is imported: its top-level imports, not
    those inside functions (imported on use) or under `if TYPE_CHECKING:` (types only)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(n for n in names if n == "ingest" or n.startswith("ingest."))
    return found


def _module(path: Path) -> str:
    return "ingest" if path.name == "__init__.py" else f"ingest.{path.stem}"


GRAPH = {_module(p): _imports(p) for p in sorted(PACKAGE.glob("*.py"))}


def _reach(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for nxt in GRAPH.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_itself_through_others(module: str) -> None:
    assert module not in _reach(module)


@pytest.mark.parametrize(
    ("module", "never"),
    [
        # extraction: not the text engine; reading: not the page machinery
        ("ingest.extraction", {"ingest.engine", "ingest.pipeline"}),
        ("ingest.inputs", {"ingest.extraction", "ingest.engine"}),
        ("ingest.metadata", {"ingest.extraction", "ingest.pipeline"}),
        ("ingest.record", {"ingest.engine", "ingest.extraction", "ingest.inputs"}),
        ("ingest.removals", {"ingest.engine", "ingest.extraction"}),
        ("ingest.engine", {"ingest.extraction", "ingest.inputs", "ingest.pipeline"}),
        # the batch extracts pages on demand: cleaning text never loads trafilatura
        ("ingest.pipeline", {"ingest.extraction"}),
        ("ingest", {"ingest.extraction", "ingest.fetch"}),
        # writing an article's files needs its record, not how it was made
        ("ingest.output", {"ingest.engine", "ingest.pipeline", "ingest.extraction"}),
    ],
)
def test_each_layer_imports_only_the_layers_below(module: str, never: set[str]) -> None:
    assert _reach(module) & never == set()
