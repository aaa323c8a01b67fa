"""Every form of the value-grammar suite (``tests/value_forms.py``), one test per form."""

import pytest

from value_forms import FORMS, Form, failure


@pytest.mark.parametrize("form", FORMS, ids=[f"{f.cls}-{i}" for i, f in enumerate(FORMS)])
def test_form(form: Form) -> None:
    assert failure(form) is None


def test_the_suite_covers_every_class_with_enough_forms() -> None:
    classes = {f.cls for f in FORMS}
    assert len(FORMS) >= 200
    assert all(sum(f.cls == c for f in FORMS) >= 4 for c in classes)
