"""The register's HTTP API, one router per part; the app includes every router listed here."""

from devices.api import connectivity, demand, families, imports, licences, reports
from devices.api import devices as devices_api
from reporting.open_data import api as open_data_api

ROUTERS = [
    devices_api.router,
    families.router,
    licences.router,
    connectivity.router,
    demand.router,
    reports.router,
    imports.router,
    open_data_api.router,
]
