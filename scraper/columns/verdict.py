"""Whether a table is an error table: a column of codes or statuses, and something that says
the table is about errors (its header, its heading or caption, its identifiers, a message or
remedy column), unless it is a table of parameters or fields."""

from __future__ import annotations

from scraper.columns import weights as w
from scraper.columns.lexicon import HeaderParts, header_parts
from scraper.columns.profiles import ColumnProfile
from scraper.types import RawTable

# Parts of a key column's header that say outright the table is about errors or statuses.
_EXPLICIT_PARTS = ("error", "status", "result", "http", "reason")
# Parts of a header that name a column of codes or their values (a key header with none of
# them needs values shaped like codes: "Auth" and "Format" are words).
_NAMING_PARTS = (*_EXPLICIT_PARTS, "code", "id", "value", "symbol", "kind", "name")


def speaks_of_codes(text: str) -> bool:
    """Whether a heading or caption says its table lists codes or errors: "Error codes",
    "Return codes", "状态码", "System Message Codes"; not "eth_getCode" nor "Response"."""
    hp = header_parts(text)
    if hp.has("error") or (hp.has("http") and hp.has("status")):
        return True
    for index, (part, word) in enumerate(zip(hp.parts, hp.words, strict=True)):
        if part != "code":
            continue
        qualified = index > 0 and hp.parts[index - 1] in ("status", "result", "reason", "message")
        if qualified or word.endswith("s") or not word.isascii():
            return True
    return False


def _decoy(table: RawTable, hps: list[HeaderParts], profiles: list[ColumnProfile]) -> str:
    """What marks a table of parameters or fields, or "" when nothing does."""
    for text, hp in zip(table.header, hps, strict=True):
        if "param" in hp.parts and not hp.has("symbol", "error", "status", "result"):
            return f"header {text!r} names parameters or fields"
    for index, p in enumerate(profiles):
        if p.filled and p.datatype >= w.DATATYPE_COLUMN:
            return f"column {table.header[index] or index + 1!r} lists data types"
    # A heading about parameters says less than a column: it marks the table only when no
    # column is named for codes, errors or statuses.
    if any(hp.has("code", "error", "status", "http", "result") for hp in hps):
        return ""
    for text in (table.section, table.caption):
        if text and "param" in header_parts(text).parts and not speaks_of_codes(text):
            return f"heading {text!r} names parameters or fields"
    return ""


def _names_codes(hp: HeaderParts, key: ColumnProfile) -> bool:
    """Whether a header's words name codes outright. "Status" alone is also a lifecycle
    ("Supported", "Deprecated"): it names codes only over values shaped like codes."""
    if hp.has("error", "result", "http", "reason", "code"):
        return True
    return key.integer + key.hex + key.status + key.coded >= w.CODE_SHAPED


def is_error_table(
    table: RawTable,
    fields: dict[str, int],
    hps: list[HeaderParts],
    profiles: list[ColumnProfile],
    forced: dict[int, str],
    headerless: bool,
    http_context: str = "",
) -> tuple[bool, list[str], bool]:
    """Whether the table is an error table, the reasons, and whether the verdict rests on
    shares of sampled values (errors named, shapes of codes) rather than words alone."""
    key = fields.get("code", fields.get("http_status"))
    if key is None:
        return False, ["no column holds codes or statuses"], False
    role = "codes" if "code" in fields else "HTTP statuses"
    label = table.header[key] or f"column {key + 1}"
    if forced.get(key) in ("code", "http_status"):
        return True, [f"column {label!r} holds {role} (override)"], False
    reasons = [f"column {label!r} holds {role}"]
    keys = [hps[i] for i in (fields.get("code"), fields.get("http_status")) if i is not None]
    decoy = _decoy(table, hps, profiles)
    if decoy:
        # Only a header that names errors or HTTP outright outweighs a table of fields.
        if any(
            hp.has("error", "http") or (speaks_of_codes(hp.text) and len(hp.parts) > 1)
            for hp in keys
        ):
            return True, [*reasons, f"its header names them, although {decoy}"], False
        return False, [*reasons, f"but {decoy}"], False
    status_like = sum(
        1
        for p in profiles
        if p.filled and p.status >= 0.3 and p.status + p.family >= w.STATUS_SHARE
    )
    if status_like > 1:
        # A row with a status for success and one for failure is an endpoint, say.
        why = f"but {status_like} columns hold statuses: rows are not"
        return False, [*reasons, why], True
    if "code" in fields and not hps[fields["code"]].has(*_NAMING_PARTS):
        coded = profiles[fields["code"]].coded
        if coded < w.CODE_SHAPED:
            why = f"but only {coded:.0%} of its values are shaped like codes"
            return False, [*reasons, why], True
    texts = [f for f in ("title", "message", "description", "suggestion") if f in fields]
    if not texts and not any(hp.parts for hp in keys):
        return False, [*reasons, "but no header names them and no column explains them"], False
    named = next((hp for hp in keys if hp.has(*_EXPLICIT_PARTS)), None)
    if named is not None and _names_codes(named, profiles[key]):
        by_shares = not named.has("error", "result", "http", "reason", "code")
        return True, [*reasons, f"its header names them: {', '.join(named.words)}"], by_shares
    errors = next(
        (table.header[fields[f]] for f in ("title", "message") if f in fields
         and hps[fields[f]].has("error")),
        "",
    )
    if errors:
        return True, [*reasons, f"column {errors!r} names the errors"], False
    context = next((t for t in (table.section, table.caption) if t and speaks_of_codes(t)), "")
    if context:
        why = f"heading or caption {context!r} speaks of codes or errors"
        return True, [*reasons, why], False
    symbols = max(
        (profiles[fields[f]].symbol for f in ("code", "title") if f in fields), default=0.0
    )
    numbered_codes = "code" in fields and (
        profiles[fields["code"]].integer + profiles[fields["code"]].hex >= 0.8
    )
    statuses = next(
        (
            t
            for t in (table.section, table.caption)
            if t
            and (
                header_parts(t).has("status")
                or (numbered_codes and header_parts(t).has("result"))
            )
        ),
        "",
    )
    if statuses and symbols >= w.SYMBOL_COLUMN:
        why = f"heading {statuses!r} speaks of statuses, named by constants"
        return True, [*reasons, why], True
    if "http_status" in fields and "code" not in fields and http_context:
        return True, [*reasons, f"{http_context!r} speaks of HTTP responses"], False
    if "http_status" in fields and profiles[fields["http_status"]].status_reason + (
        profiles[fields["title"]].reason if "title" in fields else 0.0
    ) >= w.REASON_COLUMN:
        return True, [*reasons, "HTTP reason phrases stand with the statuses"], True
    named_columns = [fields[f] for f in ("code", "title") if f in fields]
    errorish = max((profiles[i].errorish for i in named_columns), default=0.0)
    if errorish >= w.ERRORISH_IDENTIFIERS:
        return True, [*reasons, f"{errorish:.0%} of its identifiers name errors"], True
    explained = [
        table.header[i] for i in fields.values() if hps[i].head in ("message", "remedy")
    ]
    if explained:
        why = f"column {explained[0]!r} gives messages or remedies"
        return True, [*reasons, why], False
    why = "no heading" if headerless else "neither its header nor its heading"
    return False, [*reasons, f"but {why} nor its values say errors or statuses"], True


