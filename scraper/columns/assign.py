"""The assignment of fields to columns with the highest total score, and the rules that
settle what the scores leave open (a CJK message that explains, a lone title)."""

from __future__ import annotations

from typing import TypeAlias

from scraper.columns import weights as w
from scraper.columns.evidence import TARGETS, Scores
from scraper.columns.lexicon import HeaderParts
from scraper.columns.profiles import ColumnProfile
from scraper.types import CANONICAL_FIELDS

# A chain of choices, the last first: (target, the chain before it).
_Path: TypeAlias = "tuple[str, _Path] | None"


def column_scores(header: Scores, content: Scores, index: int, first_codeish: int) -> Scores:
    """A column's total for each target: weighted header and content evidence; minus
    infinity for code or http_status where too few of its cells look like one."""
    totals: Scores = {}
    for target in TARGETS:
        score = w.HEADER_WEIGHT * header.get(target, 0.0)
        score += w.CONTENT_WEIGHT * content.get(target, 0.0)
        if target == "extra":
            score += w.EXTRA_BASE
        if target == "code" and index == first_codeish:
            score += w.LEFTMOST_CODE_BONUS
        totals[target] = score
    if content.get("code", -1.0) < w.MIN_CODE_CONTENT:
        totals["code"] = float("-inf")
    if content.get("http_status", -1.0) < w.MIN_STATUS_CONTENT:
        totals["http_status"] = float("-inf")
    return totals


def assign(totals: list[Scores], forced: dict[int, str]) -> dict[int, str]:
    """The assignment of fields to columns with the highest total, each field at most once.

    A search over the columns with the set of fields already given as its state: at most
    2**6 states per column. A field that scores no more than "extra" on a column is never worth
    giving it (extra frees the field and scores as much), so only better fields are tried.
    """
    bit = {name: 1 << i for i, name in enumerate(CANONICAL_FIELDS)}
    taken = 0
    for target in forced.values():
        taken |= bit.get(target, 0)
    options: list[list[tuple[str, int, float]]] = []
    for index, scores in enumerate(totals):
        if index in forced:
            options.append([(forced[index], 0, 0.0)])
            continue
        extra = scores["extra"]
        better = [
            (name, bit[name], scores[name])
            for name in CANONICAL_FIELDS
            if scores[name] > extra and not taken & bit[name]
        ]
        # "extra" first: on a tie, a column stays where nothing is lost.
        options.append([("extra", 0, extra), *better])
    # best[mask] = (total, path): path is (target, previous path), the choices in reverse.
    best: dict[int, tuple[float, _Path]] = {taken: (0.0, None)}
    for column in options:
        step: dict[int, tuple[float, _Path]] = {}
        for mask, (total, path) in best.items():
            for target, flag, score in column:
                if mask & flag:
                    continue
                new_mask = mask | flag
                candidate = total + score
                if new_mask not in step or candidate > step[new_mask][0]:
                    step[new_mask] = (candidate, (target, path))
        best = step
    _, path = max(best.values(), key=lambda item: item[0])
    choices: list[str] = []
    while path is not None:
        choices.append(path[0])
        path = path[1]
    return dict(enumerate(reversed(choices)))


def message_as_description(
    fields: dict[str, int],
    hps: list[HeaderParts],
    profiles: list[ColumnProfile],
    forced: dict[int, str],
) -> None:
    """A message column in the page's own CJK language, with no description column, explains:
    the API's message is what it returns, and that is what other columns quote."""
    index = fields.get("message")
    if index is None or "description" in fields or index in forced:
        return
    if profiles[index].cjk >= 0.5 and not any(hp.head == "desc" for hp in hps):
        fields["description"] = fields.pop("message")


def lone_title_as_description(
    fields: dict[str, int],
    hps: list[HeaderParts],
    profiles: list[ColumnProfile],
    forced: dict[int, str],
) -> None:
    """Phrases that are a table's only text explain its codes: a title needs another text
    beside it, unless it is named one or holds reason phrases or symbols."""
    index = fields.get("title")
    others = ("description", "message", "suggestion")
    if index is None or any(f in fields for f in others) or index in forced:
        return
    p = profiles[index]
    if hps[index].head in ("name", "symbol", "kind", "reason") or p.reason >= 0.3 or (
        p.symbol >= 0.5
    ):
        return
    fields["description"] = fields.pop("title")


