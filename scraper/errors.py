"""The project's exceptions: one root, a few kinds. Each message is one line for the user."""


class ScraperError(Exception):
    """Root of every error this package raises on purpose."""


class ManifestError(ScraperError):
    """The manifest (sources.toml) is missing, malformed or inconsistent."""


class FetchError(ScraperError):
    """A page could not be fetched: network, HTTP status, size cap, robots.txt."""


class DecodeError(ScraperError):
    """Bytes could not be turned into text (binary data, unknown encoding)."""


class ExtractError(ScraperError):
    """A document could not be read as tables (a limit was exceeded, the markup is unusable)."""


class DatasetError(ScraperError):
    """The dataset on disk is missing, malformed or inconsistent."""


class UsageError(ScraperError):
    """A command or call was given arguments it cannot use (exit status 2 on the command line)."""
