"""Generated pages as markdown: the same content as the HTML pages, in pipe tables."""

from __future__ import annotations

from scripts.benchlib.page_rows import SEED, page_sections
from scripts.benchlib.page_words import HEADERS


def _bold_md(text: str, words: str) -> str:
    if not words or words not in text:
        return text
    before, _, after = text.partition(words)
    return f"{before}**{words}**{after}"


def markdown_page(sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED) -> str:
    """The same content as `html_page`, as markdown pipe tables."""
    parts = [
        "# Error Codes\n\nIf an API call fails, the response body holds an error code and a "
        "message. The tables below list them by service.\n"
    ]
    for part in page_sections(sections, rows, first, seed):
        service = part.title.split(" ", 1)[1].removesuffix(" API error codes")
        parts.append(
            f"\n## {part.title}\n\nThe following table describes the error codes that the "
            f"{service} API returns.\n\n**Table {part.index + 1}** Error codes\n\n"
        )
        parts.append("| " + " | ".join(HEADERS) + " |\n")
        parts.append("|" + "|".join(" --- " for _ in HEADERS) + "|\n")
        for row in part.rows:
            code = f"**{row.code}**" if row.strong_code else row.code
            cells = (
                row.status,
                code,
                row.message,
                _bold_md(row.description_published, row.strong_words),
                row.suggestion_published,
            )
            parts.append("| " + " | ".join(cells) + " |\n")
    return "".join(parts)
