"""Decide a record's category and retryability from its status and its words.

Category: every field's words vote for categories, weighted by where they were found (code and
title most, a suggestion least) and by how much a term says (strong or weak); the HTTP status
votes for its AIP-193 category with a fixed weight, so a strong word in the message overrides
the status and a weak one does not. Fields that agree add a little; ties go to the more
specific category.

Retryable: an explicit retry column wins; then a code's shape (mail status classes); then the
words (never retry, retry later, a defect to report, a connection setting to correct, retry,
transient conditions, lasting limits) read against the category; then the category's nature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from scraper.classification.matching import MEMO_TEXTS, Hit
from scraper.classification.rules import Reread, Rules, rules
from scraper.columns.lexicon import fold as fold_words
from scraper.types import Record

# A page repeats its messages, remedies and titles row after row: each is folded once.
fold = lru_cache(maxsize=20_000)(fold_words)

TEXT_FIELDS = ("code", "title", "message", "description", "suggestion")


@dataclass(frozen=True, slots=True)
class Classification:
    """What the rules decided for one record, and why."""

    category: str
    """One of scraper.fields.CATEGORIES."""
    retryable: str
    """yes, no or unknown."""
    evidence: tuple[str, ...]
    """The rules that decided both, strongest first: "status 429", "code word throttling"."""


@dataclass(slots=True)
class _Vote:
    best: float = 0.0
    why: str = ""
    fields: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Row:
    """A record's text, folded once: (field, folded text) pairs, and its retry column."""

    texts: tuple[tuple[str, str], ...]
    retry_cell: tuple[str, str] | None
    """(header, cell) of an explicit retry column."""


def classify(record: Record) -> Classification:
    """The category, retryability and evidence for a record. Pure: the record is not changed."""
    compiled = rules()
    row = _read_row(record, compiled)
    status, status_name = _status(record)
    category, category_evidence = _decide_category(row, status, status_name, compiled)
    retryable, retry_evidence = _decide_retryable(row, record, status, category, compiled)
    return Classification(category, retryable, (*category_evidence, *retry_evidence))


def _status(record: Record) -> tuple[int | None, str]:
    if record.http_status is not None:
        return record.http_status, f"status {record.http_status}"
    if record.inferred_http_status is not None:
        return record.inferred_http_status, f"inferred status {record.inferred_http_status}"
    return None, ""


def _read_row(record: Record, compiled: Rules) -> _Row:
    texts = [
        ("code", fold(record.code)),
        ("title", fold(record.title)),
        ("message", fold(record.message)),
        ("description", fold(record.description)),
        ("suggestion", fold(record.suggestion)),
    ]
    retry_cell: tuple[str, str] | None = None
    if record.extra:
        for header, cell in record.extra.items():
            if retry_cell is None and compiled.retry_headers.find(fold(header)):
                retry_cell = (header, cell)
            else:
                texts.append(("extra", fold(cell)))
    return _Row(tuple([pair for pair in texts if pair[1]]), retry_cell)


def _field_label(name: str) -> str:
    return "code word" if name == "code" else f"{name}:"


def _decide_category(
    row: _Row, status: int | None, status_name: str, compiled: Rules
) -> tuple[str, tuple[str, ...]]:
    votes: dict[str, _Vote] = {}
    memo = _memo(compiled)
    status_category = compiled.status_category(status) if status is not None else ""
    for name, text in row.texts:
        for category, weight, why, agrees in _field_votes(
            memo, name, text, status, status_category
        ):
            entry = votes.get(category)
            if entry is None:
                entry = votes[category] = _Vote()
            if agrees:
                entry.fields.add(name)
            if weight > entry.best:
                entry.best, entry.why = weight, why
    if status is not None:
        entry = votes.get(status_category)
        if entry is None:
            entry = votes[status_category] = _Vote()
        entry.fields.add("status")
        weight = compiled.status_vote(status)
        if weight > entry.best:
            entry.best, entry.why = weight, status_name
    if not votes:
        return "unknown", ("no status and no telling words",)

    def score(item: tuple[str, _Vote]) -> tuple[float, bool, int]:
        # Ties go to the status's category, then to the more specific category.
        category, entry = item
        total = entry.best + compiled.agreement * (len(entry.fields) - 1)
        return total, "status" in entry.fields, -compiled.rank.get(category, len(compiled.rank))

    category, winner = max(votes.items(), key=score)
    evidence = [winner.why]
    if status is not None and winner.why != status_name:
        if "status" in winner.fields:
            evidence.append(status_name)
        else:
            evidence.append(f"{status_name} ({status_category}) overridden")
    return category, tuple(evidence)


# A field's votes depend only on the field, its folded text and, for a title or a term some
# reread reads by status, the row's status; a page repeats its messages and remedies row after
# row, so each is weighed once. Votes that do not depend on the status are kept under ANY.
_FieldVotes = tuple[tuple[str, float, str, bool], ...]
_ANY = -1


@dataclass(slots=True)
class _Memo:
    """What one set of rules gave each field text, and tables derived from the rules."""

    compiled: Rules
    votes: dict[tuple[str, str, int | None], _FieldVotes] = field(default_factory=dict)
    by_source: dict[str, tuple[Reread, ...]] = field(default_factory=dict)
    """The rereads of each category's terms, in the rules' order."""
    by_status: frozenset[str] = frozenset()
    """Categories some of whose terms a reread reads only under certain statuses."""


_memos: list[_Memo] = []


def _memo(compiled: Rules) -> _Memo:
    if _memos and _memos[0].compiled is compiled:
        memo = _memos[0]
        if len(memo.votes) < MEMO_TEXTS:
            return memo
    by_source: dict[str, tuple[Reread, ...]] = {}
    for reread in compiled.rereads:
        by_source[reread.source] = (*by_source.get(reread.source, ()), reread)
    memo = _Memo(
        compiled,
        by_source=by_source,
        by_status=frozenset(r.source for r in compiled.rereads if r.statuses is not None),
    )
    _memos[:] = [memo]
    return memo


def _field_votes(
    memo: _Memo, name: str, text: str, status: int | None, status_category: str
) -> _FieldVotes:
    """(category, weight, why, agrees) for each vote one field's text casts, in order."""
    votes = memo.votes
    known = votes.get((name, text, _ANY))
    if known is None:
        known = votes.get((name, text, status))
        if known is None:
            known, by_status = _weigh_field(memo, name, text, status, status_category)
            votes[(name, text, status if by_status else _ANY)] = known
    return known


def _weigh_field(
    memo: _Memo, name: str, text: str, status: int | None, status_category: str
) -> tuple[_FieldVotes, bool]:
    """A field's votes, and whether they depend on the row's status."""
    compiled = memo.compiled
    field_weight = compiled.field_weights[name]
    hits = compiled.categories.find(text)
    by_status = name == "title"
    if by_status and status_category and _restates_status(text, hits, status_category):
        return (), by_status
    cast: list[tuple[str, float, str, bool]] = []
    named = compiled.codes.get(text) if name in ("code", "title") else None
    if named:
        strong = compiled.strength_weights["strong"]
        cast.append((named, field_weight * strong, f"{_field_label(name)} {text} names it", True))
    for hit in hits:
        category, strength, lang = hit.label
        weight = field_weight * compiled.strength_weights[strength]
        # Generic words ("error", "failed") do not count as a field that agrees.
        why = f"{_field_label(name)} {hit.term} ({lang})"
        by_status = by_status or category in memo.by_status
        reread = _reread(memo.by_source.get(category, ()), category, hit.term, text, status)
        if reread is not None:
            category, why = reread.target, f"{why}, {reread.why}"
        cast.append((category, weight, why, strength != "generic"))
    return tuple(cast), by_status


def _reread(
    rereads: tuple[Reread, ...], category: str, term: str, text: str, status: int | None
) -> Reread | None:
    """The reread that gives a category's term another meaning in this field's text (and, for
    some, with the row's status), if any."""
    for reread in rereads:
        if reread.source != category or term not in reread.terms:
            continue
        if reread.statuses is not None and status not in reread.statuses:
            continue
        if reread.near is not None and not reread.near.find(text):
            continue
        if not reread.unless.find(text):
            return reread
    return None


def _restates_status(title: str, hits: Sequence[Hit], status_category: str) -> bool:
    """Whether a title only names the row's status (its reason phrase, or words of the
    status's own category), so that it adds nothing to what the status says."""
    if title in rules().reason_phrases:
        return True
    return bool(hits) and all(hit.label[0] == status_category for hit in hits)


def _decide_retryable(
    row: _Row, record: Record, status: int | None, category: str, compiled: Rules
) -> tuple[str, tuple[str, ...]]:
    if row.retry_cell is not None:
        header, cell = row.retry_cell
        value = fold(cell) or cell.strip()
        if value in compiled.retry_yes:
            return "yes", (f"column {header}: {cell}",)
        if value in compiled.retry_no:
            return "no", (f"column {header}: {cell}",)
    for shape in compiled.code_shapes:
        if shape.pattern.match(record.code.strip()):
            return shape.retryable, (f"code shape: {shape.name}",)
    for name in (fold(record.code), fold(record.title)):
        named = compiled.retry_by_code.get(name)
        if named:
            return named, (f"code {name}: retryable {named}",)
    hits: dict[str, Hit] = {}
    for name, text in row.texts:
        if name == "title" and status is not None and text in compiled.reason_phrases:
            continue  # the status's own name: the status speaks for itself
        for hit in compiled.retry.find(text):
            hits.setdefault(hit.label[0], hit)

    def said(kind: str) -> str:
        hit = hits[kind]
        return f"text: {hit.term} ({hit.label[1]})"

    if "never" in hits:
        return "no", (said("never"),)
    if "later" in hits:
        return "yes", (said("later"),)
    if "defect" in hits:
        return "no", (said("defect"), "a defect: retrying meets it again")
    if category == "aborted" and "stale" in hits:
        return "no", (said("stale"), "a stale copy: read the current version first")
    if category == "unavailable" and "client_setting" in hits:
        return "no", (said("client_setting"), "a setting the client must correct first")
    if category in compiled.fix_first:
        if category == "failed_precondition" and "clears_by_waiting" in hits:
            return "yes", (said("clears_by_waiting"), "a state that clears by waiting")
        reason = (
            "ok: a success, nothing to retry"
            if category == "ok"
            else f"{category}: the client must change something first"
        )
        return "no", (reason, said("again")) if "again" in hits else (reason,)
    transient = hits.get("transient") or hits.get("clears_by_waiting")
    if category == "resource_exhausted":
        # A limit passes by waiting only when it is a rate; "retry" alone does not say which.
        if transient:
            return "yes", (f"text: {transient.term} ({transient.label[1]})", "a rate, not a cap")
        if "lasting_limit" in hits:
            return "no", (said("lasting_limit"), "a lasting limit, not a rate")
        if status in compiled.rate_statuses:
            return "yes", (f"status {status}: a rate limit",)
        return "unknown", ("resource_exhausted: neither a rate nor a lasting limit",)
    if "again" in hits:
        return "yes", (said("again"),)
    if transient:
        return "yes", (f"text: {transient.term} ({transient.label[1]})", "a transient condition")
    verdict = compiled.retry_by_category.get(category, "unknown")
    return verdict, (f"{category} is retryable: {verdict}",)
