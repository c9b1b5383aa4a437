"""Rule-based classification of error records: a google.rpc.Code category, whether a client
should retry, and the evidence for both. The rules are data (scraper/data/classify.toml)."""

from scraper.classification.decide import Classification, classify

__all__ = ["Classification", "classify"]
