"""Feedback pages per school and KKG (`dinamika report DIR --per-school`): privacy first."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dinamika.privacy.outputs import group_means
from dinamika.report import pipeline as report_mod
from dinamika.report.sections.feedback import shown_groups
from tests.test_report import _images, _visible_text, hermetic  # noqa: F401
from tests.test_report_data import make_term


def test_pages_only_for_groups_the_term_report_shows():
    scores = pd.DataFrame(
        {"school": ["a"] * 8 + ["b"] * 8 + ["c"] * 6 + ["tiny"] * 2, "x": range(24)}
    )
    table = group_means(scores, values=["x"], groups=["school"], min_cell=5)["school"]
    visible = table.loc[~table["suppressed"], "school"].tolist()
    assert shown_groups(scores, "school", ["x"], 5) == visible
    assert "tiny" not in visible and len(visible) == 2  # the smallest other school hides too


@pytest.mark.kernel
@pytest.mark.slow
def test_feedback_pages_hide_small_schools_and_their_complement(tmp_path, hermetic):  # noqa: F811
    term = make_term(tmp_path / "term", plant=True)
    result = report_mod.report([term], lang="en", out=tmp_path / "fb.html", per_school=True)
    assert result.kind == "feedback"
    page = result.path.read_text(encoding="utf-8")
    text = _visible_text(page)
    heads = re.findall(r'<h3 class="dk-pagebreak">([^<]+)</h3>', page)
    schools = [h for h in heads if h.startswith("SD Negeri")]
    # 10 schools of 14 and one of 3: the small one and one complement get no page
    assert len(schools) == 9 and "SD Negeri 11" not in text
    assert "2 groups get no page for privacy" in " ".join(text.split())
    assert len(heads) > len(schools)  # KKG pages too
    assert len(_images(page)) == len(heads)  # one dimension chart per page
    assert "Feedback by KKG" in text and "Umpan" not in text


def test_per_school_takes_one_term(tmp_path):
    from dinamika.errors import UsageError

    with pytest.raises(UsageError, match="satu folder semester") as raised:
        report_mod.report([tmp_path, tmp_path], per_school=True)
    assert "one term" in raised.value.text("en")
