"""`Options` checks itself when made: a misspelt choice or a limit below 1 names the field, so a
flow parameter or a library caller fails before any document, not deep inside a worker."""
from __future__ import annotations

import pytest

from pipeline.process import Options


def test_defaults_are_valid():
    assert Options().ocr == "auto" and Options(ocr="never", extractor="camelot").extractor == "camelot"


@pytest.mark.parametrize("field, value", [("ocr", "sometimes"), ("ocr", "Never"), ("extractor", "lattice")])
def test_a_choice_not_offered_is_refused_by_name(field, value):
    with pytest.raises(ValueError, match=rf"Options\.{field} must be one of .* not '{value}'"):
        Options(**{field: value})


@pytest.mark.parametrize("field", ["max_pages", "max_pixels", "page_timeout", "max_memory_mb"])
def test_a_limit_below_one_is_refused_by_name(field):
    with pytest.raises(ValueError, match=rf"Options\.{field} must be positive"):
        Options(**{field: 0})
