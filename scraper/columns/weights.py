"""Every threshold and weight the column mapper uses, in one place, each with why.

Scores are sums of header evidence (what the header's words say, 0 to 1 per field) and
content evidence (what the cells look like, -1 to 1 per field: negative when the cells
contradict the field). Content weighs more than the header, so that when the two disagree
strongly the content wins ("Error code" over a column of HTTP statuses).
"""

HEADER_WEIGHT = 1.0
"""Weight of a header's words."""
CONTENT_WEIGHT = 1.5
"""Weight of what the cells look like: above the header's, so content overrules a wrong label."""

EXTRA_BASE = 0.35
"""What leaving a column unmapped (in extra) is worth: a field must beat it to be chosen, so
weak evidence keeps a column in extra, where nothing is lost."""

LEFTMOST_CODE_BONUS = 0.3
"""Codes stand first in most tables: the first column of codes is preferred among equals."""

MIN_CODE_CONTENT = 0.45
"""A code column's content score must reach this: most of its cells look like codes."""
MIN_STATUS_CONTENT = 0.45
"""A status column's content score must reach this: most of its cells are HTTP statuses."""

STATUS_SHARE = 0.7
"""Share of a column's cells that must be statuses (or families) for it to be a status column."""
HTTP_SUPPORT_NEEDED = 0.35
"""Registered statuses alone are not HTTP: business codes reuse 200, 404, 501. They become
http_status with this much support from the page: a header naming HTTP or status, reason
phrases in or beside the cells, a heading or cell that mentions HTTP."""
OUT_OF_RANGE_TOLERANCE = 0.1
"""A status column may hold a stray value no status can be ("0" for a connection the client
closed); more than this share of them, and the column holds a vendor's own codes."""
CONSECUTIVE_RUN = 0.7
"""Statuses numbered one after another (501, 502, 503, 504) are a vendor's sequence."""

MAX_MAPPED_COLUMNS = 24
"""Columns past this are kept in extra without scoring: no error table is that wide."""

REASON_COLUMN = 0.3
"""A column is one of HTTP reason phrases when this share of its cells are: vendors mix the
registry's phrases with their own ("Bad Request", "Authentication Error")."""
CLASSIC_STATUSES = frozenset({400, 401, 403, 404, 405, 409, 415, 422, 429, 500, 502, 503, 504})
"""The statuses APIs document most. A column most of whose values are these, not numbered one
after another, reads as HTTP even with no other word for it."""
TITLE_LONGEST = 50
"""Mean length (characters) at which a column of phrases stops reading as names or titles;
at half of it and below, they read as names."""

DATATYPE_COLUMN = 0.5
"""A column of data type names (string, int, object) at this share marks a table of fields."""
ERRORISH_IDENTIFIERS = 0.5
"""With no word for errors around a table, this share of its identifiers naming errors
(ERR_TIMEOUT, InvalidToken) says it is an error table."""

HEADER_LONGEST = 30
"""A header cell is a name, not a sentence: longer cells are data, whatever words they hold."""
HEADER_WORDS = 5
"""Likewise in words."""

CODE_SHAPED = 0.5
"""A column headed "Status" alone holds codes when this share of its cells are numbers,
statuses, constants or error names; plain words there ("Supported") are a lifecycle."""
SYMBOL_COLUMN = 0.5
"""A heading about statuses ("Status values", 狀態) makes a table of constants (ORBIT_OK,
FIO_STATUS_DONE) a table of status codes when this share of its names are constants."""

COMMON_SHAPE = 0.2
"""A value shape (letters and digits as runs, "E1001" -> "A9") is one of a code column's own
when this share of its sample has it; a lone cell of another shape is a group's title."""
