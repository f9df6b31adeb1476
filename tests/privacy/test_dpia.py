"""docs/dpia.md stays true to the code: every retention setting with its default, and every
data category, is described."""

import re
from pathlib import Path

from dfc.personal_data.categories import DataCategory
from dfc.settings import Settings

DPIA = Path(__file__).resolve().parents[2] / "docs" / "dpia.md"


def test_every_retention_period_is_in_the_dpia_with_its_default():
    text = DPIA.read_text()
    periods = {
        name: field.default
        for name, field in Settings.model_fields.items()
        if name.startswith("RETAIN_")
    }
    assert periods, "no retention settings found"
    for name, default in periods.items():
        row = re.search(rf"^\| `{name}` \| (\d+) \|", text, re.MULTILINE)
        assert row, f"docs/dpia.md does not describe {name}"
        assert int(row.group(1)) == default, f"{name}: docs/dpia.md says {row.group(1)}"


def test_every_data_category_is_in_the_dpia():
    text = DPIA.read_text()
    missing = [c.value for c in DataCategory if f"| `{c.value}` |" not in text]
    assert not missing, f"docs/dpia.md does not describe: {missing}"
