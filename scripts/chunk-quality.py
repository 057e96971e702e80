#!/usr/bin/env python3
"""Measures how clean the indexed text of a store is (issue 12, "clean text in").

Usage: scripts/chunk-quality.py DATA_DIR [--examples N]

DATA_DIR is a `--data-dir` that `chatshell ingest` filled. Reports, over the completed documents:
  - navigation-only chunks: every line below the heading is navigation, that is a line with two or more of the
    words prev/previous/next/up/home (a Prev/Up/Home/Next bar), or a line found in at least 10% of the documents
    (site menus and banners repeated on every page);
  - table-of-contents chunks: chunks with a dot-leader line ("Title ....... 12");
  - unjoined line-end hyphens: `xxx-yyy` in a PDF or text document whose joined form `xxxyyy` occurs elsewhere in
    the same document, and `xxx- yyy` (a hyphen left before a space);
  - titles with fewer than two letters;
  - chunks that keep more than one indented line (code blocks with their lines).
The measure is independent of the extractors: it reads only the stored chunk text.
"""
import argparse
import collections
import os
import re
import sqlite3
import sys

NAV_WORDS = {"prev", "previous", "next", "up", "home"}
LEADER = re.compile(r"(?:[.·][ \u00a0]?){5,}")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def lines_below_heading(text, heading):
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if heading and lines and lines[0] == heading:
        lines = lines[1:]
    return lines


def is_nav_bar(line):
    words = [w.lower() for w in WORD.findall(line)]
    return len(words) <= 12 and sum(1 for w in words if w in NAV_WORDS) >= 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    path = os.path.join(args.data_dir, "chatshell.sqlite")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    documents = db.execute(
        "select id, filename, title, type from document where status = 'completed'"
    ).fetchall()
    chunks = db.execute(
        "select c.documentId, c.heading, c.text from chunk c join document d on d.id = c.documentId "
        "where d.status = 'completed' order by c.documentId, c.ordinal"
    ).fetchall()
    failed = db.execute("select filename, error from document where status = 'failed'").fetchall()

    by_document = collections.defaultdict(list)
    for document_id, heading, text in chunks:
        by_document[document_id].append((heading, text))
    documents_with_line = collections.Counter()
    for document_id, items in by_document.items():
        seen = set()
        for heading, text in items:
            seen.update(lines_below_heading(text, heading))
        documents_with_line.update(seen)
    repeated_floor = max(3, len(documents) // 10)

    def is_navigation(line):
        return is_nav_bar(line) or documents_with_line[line] >= repeated_floor

    navigation_only, with_nav_line, toc, code = [], 0, [], 0
    for document_id, heading, text in chunks:
        lines = lines_below_heading(text, heading)
        flags = [is_navigation(line) for line in lines]
        if lines and all(flags):
            navigation_only.append(text)
        if any(flags):
            with_nav_line += 1
        if any(LEADER.search(line) for line in lines):
            toc.append(text)
        if sum(1 for line in text.split("\n") if line.startswith((" ", "\t"))) >= 2:
            code += 1

    types = {document_id: kind for document_id, _, _, kind in documents}
    unjoined, spaced = [], 0
    for document_id, items in by_document.items():
        if types.get(document_id) not in ("pdf", "txt"):
            continue
        text = "\n".join(t for _, t in items)
        vocabulary = set(w.lower() for w in WORD.findall(text) if "-" not in w)
        for match in re.finditer(r"\b([^\W\d_]{2,})-([^\W\d_]{2,})\b", text):
            joined = (match.group(1) + match.group(2)).lower()
            if joined in vocabulary:
                unjoined.append(match.group(0))
        spaced += len(re.findall(r"[^\W\d_]{2,}- [a-z]{2,}", text))

    short_titles = [(f, t) for _, f, t, _ in documents if sum(ch.isalpha() for ch in t) < 2]
    total = len(chunks) or 1
    print(f"documents completed: {len(documents)}, failed: {len(failed)}, chunks: {len(chunks)}")
    print(f"navigation-only chunks: {len(navigation_only)} ({100 * len(navigation_only) / total:.1f}%)")
    print(f"chunks with a navigation line: {with_nav_line} ({100 * with_nav_line / total:.1f}%)")
    print(f"table-of-contents (dot leader) chunks: {len(toc)}")
    print(f"unjoined line-end hyphens (joined form used elsewhere): {len(unjoined)}; hyphen before a space: {spaced}")
    print(f"titles with fewer than two letters: {len(short_titles)} {short_titles[:5]}")
    print(f"chunks keeping two or more indented lines: {code}")
    for filename, error in failed[:10]:
        print(f"failed: {filename}: {error}")
    if args.examples:
        for label, items in (("navigation-only", navigation_only), ("toc", toc), ("unjoined", unjoined)):
            for item in items[: args.examples]:
                print(f"--- {label}: {item[:300]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
