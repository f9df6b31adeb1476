"""The data inventory comes from the marks on every column: nothing unmarked, the document
current, and the marks saying what the issue says is personal."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import RULES, not_personal, personal
from dfc.settings import Settings
from privacy import inventory

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "data-inventory.md"


def test_every_column_of_every_table_is_marked_personal_or_not():
    missing = [f"{entry.table}.{entry.column}" for entry in inventory.unmarked()]
    assert not missing, (
        "Mark these columns with personal(...) or not_personal() from dfc.personal_data.marks: "
        + ", ".join(missing)
    )


def test_an_unmarked_column_is_caught_and_named():
    scratch = Table(
        "scratch",
        MetaData(),
        not_personal().on(Column("id", Integer, primary_key=True)),
        personal(DataCategory.CONTACT, retention="family-contact").on(Column("phone", String)),
        Column("nickname", String),
    )
    found = inventory.unmarked(of=[scratch])
    assert [(entry.table, entry.column) for entry in found] == [("scratch", "nickname")]


def test_the_document_is_what_the_generator_writes_now():
    assert DOCUMENT.read_text() == inventory.render_markdown(), (
        "docs/data-inventory.md is stale: run `make data-inventory` and commit it"
    )


def test_the_module_prints_the_document():
    result = subprocess.run(
        [sys.executable, "-m", "privacy.inventory"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout == inventory.render_markdown()


def test_the_personal_data_the_issue_names_is_marked_with_its_category_and_rule():
    marks = {(e.table, e.column): (e.category, e.retention) for e in inventory.personal_entries()}
    expected = {
        ("family", "phone_number"): (DataCategory.CONTACT, "family-contact"),
        ("family", "email"): (DataCategory.CONTACT, "family-contact"),
        ("family", "pupil_reference"): (DataCategory.PUPIL, "family-contact"),
        ("ticket", "phone_number"): (DataCategory.CONTACT, "ticket-text"),
        ("ticket_message", "body"): (DataCategory.FREE_TEXT, "ticket-text"),
        ("outbox_message", "body"): (DataCategory.FREE_TEXT, "outbox-body"),
        ("outbox_message", "recipient"): (DataCategory.CONTACT, "outbox-body"),
        ("staff_user", "email"): (DataCategory.STAFF, "staff-account"),
        ("sms_opt_out", "phone_number"): (DataCategory.CONTACT, "opt-out"),
        ("allocation", "family_id"): (DataCategory.PUPIL, "family-link"),
    }
    assert {key: marks.get(key) for key in expected} == expected
    not_personal_ones = {(e.table, e.column) for e in inventory.entries() if not e.personal}
    assert {("device", "serial_number"), ("ticket", "category")} <= not_personal_ones


def test_every_rule_used_is_defined_and_every_time_limited_rule_has_a_setting():
    used = {entry.retention for entry in inventory.personal_entries()}
    assert used <= set(RULES)
    for rule in RULES.values():
        if rule.setting:
            assert rule.setting in Settings.model_fields, rule.name
            assert inventory.default_days(rule.setting) >= 0


def test_personal_entries_of_one_table():
    columns = {entry.column for entry in inventory.personal_entries("family")}
    assert {"phone_number", "email", "pupil_reference"} <= columns
    assert "school_id" not in columns


def test_a_personal_mark_needs_a_known_rule():
    with pytest.raises(ValueError, match="for-ever"):
        personal(DataCategory.CONTACT, retention="for-ever")
