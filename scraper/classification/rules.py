"""The classification rules, read once from data/classify.toml and compiled for matching."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scraper.classification.matching import Label, Matcher, compile_terms
from scraper.columns.lexicon import fold
from scraper.errors import ScraperError
from scraper.fields import CATEGORIES, RETRYABLE

RULES_FILE = Path(__file__).parent.parent / "data" / "classify.toml"

STRENGTHS = ("strong", "weak", "generic")
RETRY_KINDS = (
    "later",
    "again",
    "never",
    "transient",
    "lasting_limit",
    "clears_by_waiting",
    "spent",
    "defect",
    "client_setting",
    "stale",
    "during",
)
LANGUAGES = ("en", "zh-Hans", "zh-Hant", "ja", "ko")
FIELD_WEIGHTS = ("code", "title", "message", "description", "suggestion", "extra")


class RulesError(ScraperError):
    """The classification rules file is malformed or names an unknown category."""


@dataclass(frozen=True, slots=True)
class CodeShape:
    """A code's shape that says whether its condition is transient (mail status classes)."""

    name: str
    pattern: re.Pattern[str]
    retryable: str


@dataclass(frozen=True, slots=True)
class Reread:
    """A category's terms that mean another category when the same field names a certain kind of
    thing: "unsupported" said of a value, type or format is a bad input, not a missing feature."""

    source: str
    """The category whose terms are reread."""
    target: str
    terms: frozenset[str]
    """The source category's terms (folded) that are reread; other terms keep their meaning."""
    near: Matcher | None
    """Words the field must also hold for the reading to change (None: any field)."""
    unless: Matcher
    """Words that keep the source meaning wherever they occur in the field."""
    why: str
    statuses: frozenset[int] | None = None
    """Statuses the row must have for the reading to change (None: any or none)."""


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything classification needs, compiled."""

    field_weights: dict[str, float]
    strength_weights: dict[str, float]
    status_weight: float
    """The vote of a catch-all status (400, 500, a class)."""
    specific_status_weight: float
    catch_all_statuses: frozenset[int]
    rate_statuses: frozenset[int]
    """Statuses that are a rate limit by definition (429)."""
    agreement: float
    statuses: dict[int, str]
    status_classes: dict[int, str]
    """Category by a status's first digit, for statuses not listed."""
    codes: dict[str, str]
    """Whole folded codes that name a category (gRPC names, errno names)."""
    code_shapes: tuple[CodeShape, ...]
    rank: dict[str, int]
    """Category -> position in the tie-break order (lower wins)."""
    categories: Matcher
    """Labels: (category, strength, language)."""
    rereads: tuple[Reread, ...]
    retry: Matcher
    """Labels: (kind, language)."""
    retry_by_category: dict[str, str]
    retry_by_code: dict[str, str]
    """Whole folded codes whose name says whether to retry (EAGAIN: yes, ENOSPC: no)."""
    fix_first: frozenset[str]
    retry_headers: Matcher
    """Labels: ("retry",); finds a retry column's header."""
    retry_yes: frozenset[str]
    retry_no: frozenset[str]
    reason_phrases: frozenset[str]
    """Folded HTTP reason phrases: a title that is one only names the row's status."""

    def status_category(self, status: int) -> str:
        """The category a status stands for on its own."""
        return self.statuses.get(status) or self.status_classes.get(status // 100, "unknown")

    def status_vote(self, status: int) -> float:
        """How much a status's own category weighs against the row's words."""
        if status in self.statuses and status not in self.catch_all_statuses:
            return self.specific_status_weight
        return self.status_weight


def _category(value: object, where: str) -> str:
    if value not in CATEGORIES:
        raise RulesError(f"{RULES_FILE.name}: {where}: {value!r} is not a category")
    return str(value)


def _retryable(value: object, where: str) -> str:
    if value not in RETRYABLE:
        raise RulesError(f"{RULES_FILE.name}: {where}: {value!r} is not yes, no or unknown")
    return str(value)


def _by_language(table: dict[str, Any], where: str) -> list[tuple[str, str]]:
    """(term, language) pairs of a table of per-language lists."""
    pairs: list[tuple[str, str]] = []
    for lang, terms in table.items():
        if lang not in LANGUAGES:
            raise RulesError(f"{RULES_FILE.name}: {where}: unknown language {lang!r}")
        pairs.extend((str(term), lang) for term in terms)
    return pairs


def _merge_languages(entries: Sequence[tuple[str, Label]]) -> list[tuple[str, Label]]:
    """One entry per term and meaning, naming every language that lists it ("zh-Hans/ja")."""
    merged: dict[tuple[str, Label], list[str]] = {}
    for term, label in entries:
        merged.setdefault((term, label[:-1]), []).append(label[-1])
    return [(term, (*meaning, "/".join(langs))) for (term, meaning), langs in merged.items()]


def _category_matcher(data: dict[str, Any]) -> Matcher:
    entries: list[tuple[str, Label]] = []
    for category, strengths in data.items():
        _category(category, "category")
        for strength, table in strengths.items():
            if strength not in STRENGTHS:
                raise RulesError(f"{RULES_FILE.name}: category.{category}: {strength!r}")
            where = f"category.{category}.{strength}"
            entries.extend(
                (term, (category, strength, lang)) for term, lang in _by_language(table, where)
            )
    # Strong terms first: where one term is listed at both strengths, strong wins.
    entries.sort(key=lambda entry: STRENGTHS.index(entry[1][1]))
    return compile_terms(_merge_languages(entries))


def _reread(entry: dict[str, Any]) -> Reread:
    where = f"reread {entry['from']} -> {entry['to']}"

    def words(table: dict[str, Any]) -> Matcher:
        return compile_terms((term, (lang,)) for term, lang in _by_language(table, where))

    return Reread(
        source=_category(entry["from"], where),
        target=_category(entry["to"], where),
        terms=frozenset(fold(term) for term, _ in _by_language(entry["terms"], where)),
        near=words(entry["near"]) if "near" in entry else None,
        unless=words(entry.get("unless", {})),
        why=str(entry["why"]),
        statuses=frozenset(int(s) for s in entry["statuses"]) if "statuses" in entry else None,
    )


def _statuses(table: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:
    exact: dict[int, str] = {}
    classes: dict[int, str] = {}
    for key, category in table.items():
        if re.fullmatch(r"[1-5]xx", key):
            classes[int(key[0])] = _category(category, f"status {key}")
        elif re.fullmatch(r"[1-5]\d\d", key):
            exact[int(key)] = _category(category, f"status {key}")
        else:
            raise RulesError(f"{RULES_FILE.name}: status {key!r} is not a status or a class")
    return exact, classes


def parse_rules(data: dict[str, Any]) -> Rules:
    """Compile the rules from the parsed TOML document."""
    try:
        weights = data["weights"]
        statuses, classes = _statuses(data["status"])
        order = [_category(c, "order") for c in data["order"]["categories"]]
        retry = data["retry"]
        retry_entries = [
            (term, (kind, lang))
            for kind in RETRY_KINDS
            for term, lang in _by_language(retry[kind], f"retry.{kind}")
        ]
        column = retry["column"]
        return Rules(
            field_weights={name: float(weights[name]) for name in FIELD_WEIGHTS},
            strength_weights={name: float(weights[name]) for name in STRENGTHS},
            status_weight=float(weights["status"]),
            specific_status_weight=float(weights["specific_status"]),
            catch_all_statuses=frozenset(int(s) for s in data["catch_all_status"]["statuses"]),
            rate_statuses=frozenset(int(s) for s in data["rate_status"]["statuses"]),
            agreement=float(weights["agreement"]),
            statuses=statuses,
            status_classes=classes,
            codes={fold(code): _category(c, f"codes.{code}") for code, c in data["codes"].items()},
            code_shapes=tuple(
                CodeShape(
                    name=shape["name"],
                    pattern=re.compile(shape["pattern"]),
                    retryable=_retryable(shape["retryable"], shape["name"]),
                )
                for shape in data.get("code_shapes", ())
            ),
            rank={category: i for i, category in enumerate(order)},
            categories=_category_matcher(data["category"]),
            rereads=tuple(_reread(entry) for entry in data.get("reread", ())),
            retry=compile_terms(_merge_languages(retry_entries)),
            retry_by_category={
                _category(c, "retry.by_category"): _retryable(v, f"retry.by_category.{c}")
                for c, v in retry["by_category"].items()
            },
            retry_by_code={
                fold(code): _retryable(v, f"retry.by_code.{code}")
                for code, v in retry["by_code"].items()
            },
            fix_first=frozenset(
                _category(c, "retry.fix_first") for c in retry["fix_first"]["categories"]
            ),
            retry_headers=compile_terms((h, ("retry",)) for h in column["headers"]),
            retry_yes=frozenset(fold(v) or v for v in column["yes"]),
            retry_no=frozenset(fold(v) or v for v in column["no"]),
            reason_phrases=frozenset(
                fold(phrase)
                for phrase in (
                    *(status.phrase for status in HTTPStatus),
                    *data["reason_phrases"]["phrases"],
                )
            ),
        )
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise RulesError(f"{RULES_FILE.name}: malformed rules ({error!r})") from error


@cache
def rules() -> Rules:
    """The package's rules, compiled on first use."""
    return parse_rules(tomllib.loads(RULES_FILE.read_text("utf-8")))
