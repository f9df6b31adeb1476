"""README.md is read from a clone: every link in it must lead to a file of the clone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)]+)\)|<(https?://[^>]+)>")


def test_every_readme_link_leads_to_a_file_in_the_repository():
    readme = (ROOT / "README.md").read_text()
    broken = []
    for markdown, bare in LINK.findall(readme):
        target = markdown or bare
        if target.startswith("#"):
            continue
        path = (ROOT / target.split("#")[0]).resolve()
        if "://" in target or not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
    assert not broken, f"links that do not work from a clone: {broken}"


def test_the_readme_says_how_to_change_the_port_and_the_address_in_links():
    readme = (ROOT / "README.md").read_text()
    assert "PORT=" in readme and "BASE_URL" in readme
