"""The rows and sections of generated pages, and what a faithful parser gives for them.

Every section is generated from its own seed (the page seed, its index and the row count), so a
section reads the same whatever page it is part of. Row kinds follow a fixed schedule over the
page's global row index (section * rows + row): in every 100 rows, 8 have Chinese, Japanese or
Korean description and solution (the message stays English), and 1 of those has its CJK cells as
mojibake (the UTF-8 bytes read as cp1252).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

from scripts.benchlib.page_words import (
    CJK_TEXT,
    CONDITIONS,
    DESCRIPTIONS,
    NOUNS,
    REASONS,
    SERVICES,
    SOLUTIONS,
    STATUSES,
)

SEED = 20240611

# Positions, in every block of 100 global rows, of the CJK rows, and of the mojibake row among
# them. Early slots make small pages (4 sections x 10 rows) hold both kinds.
CJK_SLOTS = frozenset({3, 14, 27, 33, 52, 64, 77, 90})
MOJIBAKE_SLOT = 33


@dataclass(frozen=True, slots=True)
class Row:
    """One generated table row: the published cells, and what a reader should get from them."""

    status: str
    """The status cell as published: "404" or "404 Not Found"."""
    code: str
    message: str
    description: str
    suggestion: str
    description_published: str
    """The description as the page has it (mojibake in mojibake rows), without markup."""
    suggestion_published: str
    strong_code: bool
    strong_words: str
    """A phrase of the description that the page sets in bold, "" for none."""
    kind: str
    """en, cjk or mojibake."""

    @property
    def http_status(self) -> int:
        return int(self.status.split()[0])

    @property
    def title(self) -> str:
        return self.status.partition(" ")[2]


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    """0-based position on the full page."""
    title: str
    rows: tuple[Row, ...]


def mojibake(text: str) -> str:
    """Text as a page shows it when its UTF-8 bytes were read as cp1252."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def _row_kind(global_index: int) -> str:
    slot = global_index % 100
    if slot == MOJIBAKE_SLOT:
        return "mojibake"
    return "cjk" if slot in CJK_SLOTS else "en"


def section(index: int, rows: int = 50, seed: int = SEED) -> Section:
    """Section `index` of a page whose sections have `rows` rows each."""
    rng = random.Random(f"{seed}/{index}/{rows}")
    number = index + 1
    service = SERVICES[index % len(SERVICES)]
    title = f"{number} {service} API error codes"
    pairs = [(c, n) for c in range(len(CONDITIONS)) for n in range(len(NOUNS))]
    rng.shuffle(pairs)
    out: list[Row] = []
    for r in range(rows):
        cond_id, noun_id = pairs[r % len(pairs)]
        cond_name, cond_phrase = CONDITIONS[cond_id]
        noun_name, noun_phrase = NOUNS[noun_id]
        lap = r // len(pairs)
        code = f"{cond_name}{noun_name}{number}" + (f"x{lap + 1}" if lap else "")
        status = rng.choice(STATUSES)
        status_cell = f"{status} {REASONS[status]}" if rng.random() < 0.1 else str(status)
        message = f"The specified {noun_phrase} {cond_phrase}."
        kind = _row_kind(index * rows + r)
        strong_words = ""
        if kind == "en":
            description = rng.choice(DESCRIPTIONS).format(noun=noun_phrase, cond=cond_phrase)
            suggestion = rng.choice(SOLUTIONS).format(noun=noun_phrase)
            if rng.random() < 0.15:
                strong_words = noun_phrase
        else:
            sentences, remedies = CJK_TEXT[rng.randrange(len(CJK_TEXT))]
            description = "".join(rng.sample(sentences, 2))
            suggestion = rng.choice(remedies)
        published = (
            (mojibake(description), mojibake(suggestion))
            if kind == "mojibake"
            else (description, suggestion)
        )
        out.append(
            Row(
                status=status_cell,
                code=code,
                message=message,
                description=description,
                suggestion=suggestion,
                description_published=published[0],
                suggestion_published=published[1],
                strong_code=rng.random() < 0.05,
                strong_words=strong_words,
                kind=kind,
            )
        )
    return Section(index=index, title=title, rows=tuple(out))


def page_sections(
    count: int = 200, rows: int = 50, first: int = 0, seed: int = SEED
) -> list[Section]:
    """Sections `first` to `first + count - 1` of a page whose sections have `rows` rows."""
    return [section(i, rows, seed) for i in range(first, first + count)]


def expected_rows(
    sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED
) -> list[dict[str, object]]:
    """The content fields a faithful parser gives for each row of the page, in order."""
    out: list[dict[str, object]] = []
    for part in page_sections(sections, rows, first, seed):
        for row in part.rows:
            out.append(
                {
                    "section": part.title,
                    "http_status": row.http_status,
                    "code": row.code,
                    "title": row.title,
                    "message": row.message,
                    "description": row.description,
                    "suggestion": row.suggestion,
                }
            )
    return out
