"""The rows behind each count on the dashboard and the forecast: devices in service, those
families own, held devices by status, what ends (cover, licences, their seats, SIM
contracts) by month or school, and devices leaving central cover. Each list is built on the
same statement as its count (`reporting.dashboard.drilldown`)."""

from reporting.dashboard import drilldown
from reporting.dashboard.tables import COUNT, DAY, NAME, Column
from reporting.pages.list_spec import DashboardList, device_link

# Each "what ends" count and the list of what it counts.
ENDING_LISTS = {
    "devices_cover_ending": "cover-ending",
    "licences_ending": "licences-ending",
    "licence_seats_ending": "licence-seats-ending",
    "sims_ending": "sims-ending",
    "devices_updates_ending": "updates-ending",
}
ENDING = frozenset({"month", "school"})
UPDATES_COLUMNS = (
    Column("serial_number", "Serial number"),
    Column("school", "School"),
    Column("model", "Model"),
    Column("ends_on", "Last day of updates", DAY),
    Column("basis", "Date from"),
)

COUNT_LISTS = {
    "devices-in-service": DashboardList(
        slug="devices-in-service",
        title="Devices in service",
        intro="Every device not lost, stolen or retired, whoever holds or owns it.",
        noun="devices",
        statement=lambda scope, _narrowing: drilldown.with_holder_name(
            drilldown.devices_in_service(scope.caller)
        ),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("status", "Status", NAME),
            Column("owner_kind", "Owned by", NAME),
        ),
        default_sort="serial_number",
        tiebreak="device_id",
        row_links=device_link,
    ),
    "ownership-passed": DashboardList(
        slug="ownership-passed",
        title="Devices their families now own",
        intro="Devices whose ownership has passed to the child's family.",
        noun="devices",
        statement=lambda scope, _narrowing: drilldown.with_holder_name(
            drilldown.devices_families_own(scope.caller)
        ),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("status", "Status", NAME),
        ),
        default_sort="serial_number",
        tiebreak="device_id",
        row_links=device_link,
    ),
    "devices": DashboardList(
        slug="devices",
        title="Devices held by schools and the council",
        intro="Devices the schools and the council hold; devices their families own are not here.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.held_devices(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("status", "Status", NAME),
        ),
        default_sort="serial_number",
        tiebreak="device_id",
        narrows_by=frozenset({"status"}),
        row_links=device_link,
    ),
    "cover-ending": DashboardList(
        slug="cover-ending",
        title="Devices whose cover ends",
        intro="Devices in service whose cover period ends with nobody lined up to take over.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.cover_ending_devices(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("ends_on", "Cover ends", DAY),
        ),
        default_sort="ends_on",
        tiebreak="device_id",
        uses_days=True,
        narrows_by=ENDING,
        row_links=device_link,
    ),
    "licences-ending": DashboardList(
        slug="licences-ending",
        title="Licences ending",
        intro="Licence terms that end and have not been renewed.",
        noun="licences",
        statement=lambda scope, narrowing: drilldown.licences_ending(scope.caller, narrowing),
        columns=(
            Column("name", "Licence"),
            Column("school", "School"),
            Column("ends_on", "Ends", DAY),
            Column("seats", "Seats", COUNT),
            Column("seats_used", "Seats in use", COUNT),
        ),
        default_sort="ends_on",
        tiebreak="licence_id",
        uses_days=True,
        narrows_by=ENDING,
    ),
    "licence-seats-ending": DashboardList(
        slug="licence-seats-ending",
        title="Licence seats in use on licences ending",
        intro="Each device with a seat on a licence term that ends and has not been renewed.",
        noun="seats",
        statement=lambda scope, narrowing: drilldown.licence_seats_ending(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("name", "Licence"),
            Column("school", "School"),
            Column("ends_on", "Licence ends", DAY),
        ),
        default_sort="ends_on",
        tiebreak="seat_id",
        uses_days=True,
        narrows_by=ENDING,
        row_links=device_link,
    ),
    "sims-ending": DashboardList(
        slug="sims-ending",
        title="SIM contracts ending",
        intro="SIM contracts that end, with the device each SIM's dongle serves.",
        noun="SIMs",
        statement=lambda scope, narrowing: drilldown.sims_ending(scope.caller, narrowing),
        columns=(
            Column("iccid", "SIM (ICCID)"),
            Column("school", "School"),
            Column("contract_ends_on", "Contract ends", DAY),
            Column("device_serial_number", "Device"),
        ),
        default_sort="contract_ends_on",
        tiebreak="sim_id",
        uses_days=True,
        narrows_by=ENDING,
    ),
    "past-end-of-updates": DashboardList(
        slug="past-end-of-updates",
        title="Devices past their end of updates",
        intro="Devices in service, not yet their family's, that no longer get security "
        "updates: replace them, or hand them over only with a reason.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.past_end_of_updates(scope.caller, narrowing),
        columns=UPDATES_COLUMNS,
        default_sort="ends_on",
        tiebreak="device_id",
        narrows_by=frozenset({"school"}),
        row_links=device_link,
    ),
    "updates-ending": DashboardList(
        slug="updates-ending",
        title="Devices whose security updates end",
        intro="Devices in service, not yet their family's, whose last day of security "
        "updates falls in the window.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.updates_ending(scope.caller, narrowing),
        columns=UPDATES_COLUMNS,
        default_sort="ends_on",
        tiebreak="device_id",
        uses_days=True,
        narrows_by=ENDING,
        row_links=device_link,
    ),
    "replacements": DashboardList(
        slug="replacements",
        title="Devices to replace as their security updates end",
        intro="Devices in service, not yet their family's, whose last day of security "
        "updates is today or later, as the cost forecast counts them.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.replacements(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("kind", "Kind", NAME),
            Column("model", "Model"),
            Column("ends_on", "Last day of updates", DAY),
        ),
        default_sort="ends_on",
        tiebreak="device_id",
        narrows_by=frozenset({"month"}),
        row_links=device_link,
    ),
    "leaving-central-cover": DashboardList(
        slug="leaving-central-cover",
        title="Devices leaving central cover",
        intro="Devices in service whose last national scheme cover period ends, as the cost "
        "forecast counts them.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.leaving_central_cover(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("central_until", "Central cover ends", DAY),
        ),
        default_sort="central_until",
        tiebreak="device_id",
        narrows_by=frozenset({"month", "with_dongle"}),
        row_links=device_link,
    ),
}
