"""The cost forecast page, and the form where a council sets the licence cost and data
prices the forecast uses."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import CouncilStaff
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import DomainError, InvalidInput
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, problems_of, values_of
from dfc.web.templating import render
from reporting.dashboard.forecast import forecast
from reporting.dashboard.months import month_key
from reporting.dashboard.overview import forecast_table
from reporting.dashboard.prices import REPLACEMENT_FIELDS, PricesIn, prices_for, set_prices
from reporting.dashboard.scope import DashboardScope
from reporting.dashboard.tables import Linker
from reporting.pages.common import CouncilParam, list_link, page_context

router = APIRouter(include_in_schema=False)
FORECAST_TABLE = "cost-forecast"
PRICE_FIELDS = (
    "licence_per_device_per_year",
    "data_per_sim_per_month",
    "data_per_gb",
    "gb_per_month",
    *REPLACEMENT_FIELDS.values(),
)


def _values(prices: Any) -> dict[str, str]:
    """The form's values from the prices in force (a blank licence cost if none was set)."""
    saved = prices.saved
    return {
        "licence_per_device_per_year": (
            f"{saved.licence_per_device_per_year:.2f}"
            if saved and saved.licence_per_device_per_year is not None
            else ""
        ),
        "data_per_sim_per_month": f"{prices.data_per_sim_per_month:.2f}",
        "data_per_gb": f"{prices.data_per_gb:.2f}",
        "gb_per_month": f"{prices.gb_per_month:.2f}".removesuffix(".00"),
    } | {
        name: "" if prices.replacement.get(kind) is None else f"{prices.replacement[kind]:.2f}"
        for kind, name in REPLACEMENT_FIELDS.items()
    }


def _leaving_links(scope: DashboardScope, caller: Caller) -> Linker:
    """Each month's devices leaving central cover (and those with a dongle) to their list."""

    def links(row: Any) -> dict[str, str | None]:
        month = month_key(row[0])
        slug = "leaving-central-cover"
        return {
            "devices_leaving": list_link(scope, caller, slug, month=month),
            "with_dongle": list_link(scope, caller, slug, month=month, with_dongle="true"),
            "updates_ending": list_link(scope, caller, "replacements", month=month),
        }

    return links


def _forecast_page(
    request: Request,
    session: Session,
    caller: Caller,
    council: int | None,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    scope, context = page_context(session, caller, council)
    if scope.council is not None:
        prices = prices_for(session, scope.caller)
        outlook = forecast(session, scope.caller, prices=prices, today=today())
        table = forecast_table(outlook).linked(_leaving_links(scope, caller))
        context |= {
            "prices": prices,
            "forecast": outlook,
            "table": table,
            "chart": table.chart(
                "running_monthly_cost",
                title="Cost that month of taking over licences and connectivity",
            ),
            "values": values if values is not None else _values(prices),
        }
    context |= {"field_errors": errors or {}}
    return render(
        request,
        "reporting/dashboard_forecast.html",
        context,
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/dashboard/forecast")
def forecast_page(
    request: Request, session: SessionDep, caller: CouncilStaff, council: CouncilParam = None
) -> Response:
    return _forecast_page(request, session, caller, council)


def forecast_csv(session: Session, caller: Caller, council: int | None) -> Response:
    scope, _context = page_context(session, caller, council)
    if scope.council is None:
        raise InvalidInput("Choose a council to see its forecast", field="council")
    prices = prices_for(session, scope.caller)
    return forecast_table(forecast(session, scope.caller, prices=prices, today=today())).csv()


@router.post("/dashboard/prices")
async def save_prices(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    council: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    values = values_of(await request.form())
    values.pop("council", None)
    scope, _context = page_context(session, caller, council)
    shown = {name: values.get(name) or "" for name in PRICE_FIELDS}
    try:
        prices_in = PricesIn(**{name: values.get(name) for name in PRICE_FIELDS})
        set_prices(session, caller=caller, council=scope.caller, prices_in=prices_in)
    except ValidationError as error:
        errors = problems_of(error)
    except DomainError as error:
        errors = problem_of(error)
    else:
        session.commit()
        where = f"?council={council}" if council else ""
        return RedirectResponse(f"/dashboard/forecast{where}#prices", status_code=303)
    session.rollback()
    return _forecast_page(
        request, session, caller, council, values=shown, errors=errors, status_code=400
    )
