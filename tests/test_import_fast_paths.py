"""The import's post-parse fast paths (shingles, lexical counts, tropes, skeleton) against the
plain rules they replaced.

Each fast path must give exactly what the plain rule gives: a stored catalog's fingerprints
would otherwise change under it, and queries (computed the same way) would stop matching them.
The plain rules are written out here as references.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.catalog.shingles import MASK, mask_names

# Names built from few characters, so that they overlap, nest and repeat in the text.
NAME_CHARS = "林晚晴苏ab"


def _replace_one_by_one(text: str, names: tuple[str, ...]) -> str:
    for name in names:
        text = text.replace(name, MASK)
    return text


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=NAME_CHARS, min_size=1, max_size=4), max_size=8, unique=True),
       st.text(alphabet=NAME_CHARS + "，\n" + MASK, max_size=80))
def test_masking_names_in_one_scan_equals_replacing_them_one_after_the_other(names, text):
    for order in (sorted(names, key=lambda n: (-len(n), n)), names):  # the shingler's order, and any
        assert mask_names(text, tuple(order)) == _replace_one_by_one(text, tuple(order))
