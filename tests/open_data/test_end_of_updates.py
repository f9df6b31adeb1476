"""The end-of-updates dataset: devices past their end of security updates by the month's
end, per school and council, by kind, counted as our own SQL counts them, suppressed like
every other dataset, and published in the files and the catalogue."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from devices.models import (
    DeviceKind,
    DeviceManagement,
    DeviceStatus,
    EndOfUpdates,
    OwnerKind,
    UpdatesKind,
    UpdatesSource,
)
from devices.models.management import EnrolmentState, Manager
from dfc.settings import get_settings
from reporting.open_data.catalogue import DATASET_NAMES, catalogue
from reporting.open_data.datasets import Dataset, build_datasets
from tests.factories import make_council, make_school
from tests.open_data.checks import lines_with_one_hidden, recoverable, small_published
from tests.open_data.scenario import MONTH, add_devices
from tests.open_data.test_datasets import row

OLD_MODEL = "Old Book 11"
BY_KIND = """
SELECT d.holder_id, d.kind, count(*)
FROM device d
LEFT JOIN device_management m ON m.device_id = d.id
LEFT JOIN end_of_updates mo ON mo.kind = 'model' AND mo.name_key = lower(trim(d.model))
LEFT JOIN end_of_updates os
  ON os.kind = 'operating-system' AND os.name_key = lower(trim(d.operating_system))
WHERE d.received_on <= :last
  AND d.status NOT IN ('lost', 'stolen', 'retired') AND d.owner_kind <> 'family'
  AND coalesce(m.auto_update_expires_on, mo.ends_on, os.ends_on) <= :last
GROUP BY d.holder_id, d.kind
"""


def _own_date(session: Session, devices, on: date) -> None:
    session.add_all(
        DeviceManagement(
            device_id=device.id,
            manager=Manager.GOOGLE_ADMIN,
            state=EnrolmentState.ENROLLED,
            auto_update_expires_on=on,
        )
        for device in devices
    )
    session.commit()


def _old_model(session: Session, school, number: int, **fields):
    devices = add_devices(session, school, number, **fields)
    for device in devices:
        device.model = OLD_MODEL
    session.add_all(devices)
    session.commit()
    return devices


@pytest.fixture
def dataset(session: Session) -> Dataset:
    camden, hackney = make_council(session, name="Camden"), make_council(session, name="Hackney")
    alpha = make_school(session, council=camden, name="Alpha Primary")
    beta = make_school(session, council=camden, name="Beta Academy")
    gamma = make_school(session, council=camden, name="Gamma School")
    make_school(session, council=hackney, name="Delta High")
    session.add(
        EndOfUpdates(
            kind=UpdatesKind.MODEL,
            name=OLD_MODEL,
            name_key=OLD_MODEL.lower(),
            ends_on=date(2026, 6, 30),
            source=UpdatesSource.ADMIN,
            updated_by="a scheme admin",
        )
    )
    _old_model(session, alpha, 12)
    _old_model(session, beta, 6)
    # Not counted: the family's own, a retired one, one received after September.
    _old_model(session, beta, 1, owner_kind=OwnerKind.FAMILY, status=DeviceStatus.WITH_FAMILY)
    _old_model(session, beta, 1, status=DeviceStatus.RETIRED)
    _old_model(session, beta, 1, received_on=date(2026, 10, 2))
    chromebooks = add_devices(session, alpha, 5, kind=DeviceKind.CHROMEBOOK)
    _own_date(session, chromebooks[:3], date(2026, 9, 30))  # the month's last day: ended
    _own_date(session, chromebooks[3:], date(2026, 10, 1))  # not yet
    _own_date(session, add_devices(session, gamma, 2, kind=DeviceKind.TABLET), date(2026, 1, 31))
    built = build_datasets(session, MONTH, zone=get_settings().zone)
    return next(dataset for dataset in built if dataset.spec.name == "end-of-updates")


def test_each_school_counts_its_devices_past_their_end_of_updates_by_kind(session, dataset):
    counted = {
        (holder, str(kind)): number
        for holder, kind, number in session.execute(text(BY_KIND), {"last": MONTH.last})
    }
    camden = dataset.tables[0].table
    kinds = [kind.value for kind in DeviceKind]
    places = sorted({holder for holder, _kind in counted})  # Alpha, Beta, Gamma: made in order
    assert camden.cells == tuple(
        tuple(counted.get((place, kind), 0) for kind in kinds) for place in places
    )
    assert camden.cells == ((12, 0, 3), (6, 0, 0), (0, 2, 0))
    total = row(dataset, "Camden", "council-total")
    assert (total["laptop"], total["total"]) == (12 + 6, 23)
    assert row(dataset, "Camden", "school", "Alpha Primary")["total"] == 12 + 3
    # The small counts are hidden: Alpha's 3 Chromebooks, Gamma's 2 tablets.
    assert row(dataset, "Camden", "school", "Alpha Primary")["chromebook"] is None
    assert row(dataset, "Camden", "school", "Gamma School")["tablet"] is None
    assert row(dataset, "Hackney", "council-total")["total"] == 0


def test_no_published_figure_gives_a_small_count_away(dataset):
    for result in dataset.tables:
        hidden = set(result.hidden)
        assert not small_published(result.table, hidden)
        assert not lines_with_one_hidden(result.table, hidden)
        assert not recoverable(result.table, hidden)
    for published in dataset.rows:
        for value in published.values.values():
            assert not (isinstance(value, int) and 1 <= value <= 4), published


def test_the_dataset_is_in_the_catalogue():
    assert "end-of-updates" in DATASET_NAMES
    spec = next(spec for spec in catalogue(MONTH) if spec.name == "end-of-updates")
    assert [column.name for column in spec.columns] == ["laptop", "tablet", "chromebook"]
    assert "security updates" in spec.description
