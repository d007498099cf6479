"""The dev corpora as ingest records, for `ingest rules lint --corpus` (issue 13, deliverable 6).

    python bench/evidence.py --out DIR [--devset ../shared/devset]
                             [--meta ../shared/devset-meta] [--pastes PASTE_DIR] [--jobs N]

Writes `<key>.txt` + `<key>.json` records, as `ingest clean PAGE --url URL` writes them:

- DIR/pages: the dev set's pages, each with its URL (so the record's `site` is set);
- DIR/meta: the metadata dev set's pages, each with `truth.json`'s `url`;
- DIR/pastes: with --pastes, the pastes `bench/pasted.py --dump PASTE_DIR` wrote
  (`<page>.txt`), cleaned as pasted text with their page's URL, so each counts for its site.

A dev-set page's key stands in for its URL where the dev set has none (`hard::x.com-y.html`):
its site is the domain its file is named after (`x.com`). Then

    ingest rules lint --corpus DIR/pages --corpus DIR/meta --corpus DIR/pastes

says which generic rules remove text on fewer than two sites.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import IngestError, load_ruleset  # noqa: E402
from ingest.inputs import Document, decode_bytes, decode_page  # noqa: E402
from ingest.output import render, write_outputs  # noqa: E402
from ingest.pipeline import clean_document, site_of  # noqa: E402

_RULES = load_ruleset(ROOT / "rules")
# Where a file name's domain ends: a generic or two-letter top-level label ("iwr.de.IWR-x"),
# and a country label after a generic one ("laestrella.com.pa-laboral").
_GENERIC = frozenset({"com", "net", "org", "gov", "edu", "info"})


def url_of(url: str, file: str) -> str:
    """The page's address; for a dev-set entry without one, an address on the domain its
    file is named after."""
    if site_of(url):
        return url
    labels = Path(file).name.removesuffix(".gz").removesuffix(".html").split("-")[0].split(".")
    for i, label in enumerate(labels[1:], start=1):
        if label in _GENERIC or re.fullmatch(r"[a-z]{2}", label):
            end = i + 1
            if label in _GENERIC and end < len(labels) and re.fullmatch(r"[a-z]{2}", labels[end]):
                end += 1
            return "https://" + ".".join(labels[:end]) + "/"
    return url


def _clean(args: tuple[Path, str, str, bool, Path]) -> str | None:
    """Write one record; its error, or None."""
    path, key, url, is_html, out = args
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text, encoding = (
            decode_page(data, str(path), None) if is_html else decode_bytes(data, str(path))
        )
        doc = Document(str(path), key, data, text, encoding, is_html=is_html)
        result, meta = clean_document(doc, _RULES, url=url)
        write_outputs(out, key, *render(result.text, meta))
    except IngestError as exc:
        return str(exc)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--devset", default=ROOT.parent / "shared" / "devset", type=Path)
    parser.add_argument("--meta", default=ROOT.parent / "shared" / "devset-meta", type=Path)
    parser.add_argument("--pastes", type=Path, help="bench/pasted.py --dump's folder")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    pages = json.loads((args.devset / "pages.json").read_text(encoding="utf-8"))
    truth = json.loads((args.meta / "truth.json").read_text(encoding="utf-8"))
    work: list[tuple[Path, str, str, bool, Path]] = []
    for url, entry in sorted(pages.items()):
        key = Path(entry["file"]).name.removesuffix(".gz").removesuffix(".html")
        address = url_of(url, entry["file"])
        work.append((args.devset / entry["file"], key, address, True, args.out / "pages"))
        paste = args.pastes / f"{key}.txt" if args.pastes else None
        if paste is not None and paste.is_file():
            work.append((paste, key, address, False, args.out / "pastes"))
    for key, entry in sorted(truth.items()):
        work.append((args.meta / entry["file"], key, entry["url"], True, args.out / "meta"))
    for folder in {w[4] for w in work}:
        folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(args.jobs) as pool:
        errors = [e for e in pool.map(_clean, work, chunksize=8) if e]
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(work) - len(errors)} of {len(work)} records written under {args.out}/")


if __name__ == "__main__":
    main()
