"""to_dataframe keeps what was published: codes and texts as strings, statuses as nullable
integers, JSON cells as Python objects; without pandas it says how to get it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scraper import ScraperError, load, to_dataframe
from scraper.serialize import records_csv
from scraper.types import Record

RECORDS = [
    Record(key="s/a/0001", source="s", code="0001", http_status=400, extra={"Level": "1"}),
    Record(key="s/a/N/A", source="s", code="N/A", message="NULL", inferred_http_status=429),
    Record(key="s/a/NaN", source="s", code="NaN", description="", evidence=["status 400"]),
]


def test_codes_and_texts_stay_strings_and_statuses_are_nullable_integers(tmp_path: Path) -> None:
    (tmp_path / "errors.csv").write_text(records_csv(RECORDS), encoding="utf-8")
    for given in (RECORDS, tmp_path, str(tmp_path / "errors.csv"), load(tmp_path)):
        frame = to_dataframe(given)
        assert frame["code"].tolist() == ["0001", "N/A", "NaN"]
        assert frame["message"].tolist() == ["", "NULL", ""]
        assert str(frame["http_status"].dtype) == "Int64"
        assert frame["http_status"].isna().tolist() == [False, True, True]
        assert frame["inferred_http_status"].tolist()[1] == 429
        assert frame["extra"].tolist()[0] == {"Level": "1"}
        assert frame["evidence"].tolist()[2] == ["status 400"]
        assert list(frame.columns) == list(Record().as_dict())


def test_an_empty_dataset_is_an_empty_frame_with_every_column() -> None:
    frame = to_dataframe([])
    assert len(frame) == 0 and list(frame.columns) == list(Record().as_dict())


def test_without_pandas_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with pytest.raises(ScraperError, match=r"errcodes-scraper\[pandas\]"):
        to_dataframe(RECORDS)
