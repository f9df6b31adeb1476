"""Bulk rows for organisations, devices and what hangs off them, made inside PostgreSQL.

Organisations and the holders' plan go in by COPY; the millions of rows are INSERT ...
SELECT over generate_series, with "random" choices from a hash of the row's id
(pg_temp.u(id, k) is a number in [0, 1)), so the same seed gives the same dataset. Phone
numbers are Ofcom's drama range (07700 900000-900999), so nothing real is ever texted."""

from typing import Any

import psycopg
from psycopg import sql

from benchmarks.dataset import HOLDER_COLUMNS, MODELS, ORGANISATION_COLUMNS, Plan

Params = dict[str, Any]


def create_helpers(connection: psycopg.Connection, plan: Plan, seed: int) -> None:
    """The hash function, the holders' plan and the model catalogue, for this session only."""
    connection.execute(
        sql.SQL(
            "CREATE FUNCTION pg_temp.u(n bigint, k integer) RETURNS double precision"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS"
            " $$ SELECT (hashint8extended(n, k + {seed}) & 2147483647)::double precision"
            " / 2147483648.0 $$"
        ).format(seed=sql.Literal(seed * 1000))
    )
    connection.execute(
        "CREATE TEMP TABLE bench_holder (number int, holder_id int, council_id int,"
        " is_school bool, device_offset int, devices int, family_offset int, families int,"
        " dongle_offset int, dongles int, request_offset int, requests int)"
    )
    connection.execute(
        "CREATE TEMP TABLE bench_model (kind text, idx int, make text, model text, os text,"
        " prefix text)"
    )
    with connection.cursor() as cursor:
        columns = sql.SQL(", ").join(map(sql.Identifier, HOLDER_COLUMNS))
        copy = sql.SQL("COPY bench_holder ({}) FROM STDIN").format(columns)
        with cursor.copy(copy) as copier:
            for holder in plan.holders:
                copier.write_row([getattr(holder, name) for name in HOLDER_COLUMNS])
        with cursor.copy("COPY bench_model FROM STDIN") as copier:
            for row in MODELS:
                copier.write_row(row)
    connection.execute("CREATE INDEX ON bench_holder (holder_id)")
    connection.execute("ANALYZE bench_holder")
    connection.execute("ANALYZE bench_model")


def copy_organisations(connection: psycopg.Connection, plan: Plan) -> int:
    columns = sql.SQL(", ").join(map(sql.Identifier, ORGANISATION_COLUMNS))
    with (
        connection.cursor() as cursor,
        cursor.copy(sql.SQL("COPY organisation ({}) FROM STDIN").format(columns)) as copier,
    ):
        for row in plan.organisations:
            copier.write_row(row)
    return len(plan.organisations)


DEVICE_REQUEST = """
INSERT INTO device_request (id, school_id, kind, quantity, quantity_fulfilled, reason,
                            requested_on, status, decided_on)
SELECT r.id, r.holder_id, r.kind, r.quantity,
       CASE r.status WHEN 'fulfilled' THEN r.quantity
                     WHEN 'approved' THEN floor(r.quantity * pg_temp.u(r.id, 94))::int
                     ELSE 0 END,
       'Pupils without a device at home (' || r.quantity || ' ' || r.kind || 's)',
       r.requested_on, r.status,
       CASE WHEN r.status <> 'requested' THEN least(r.requested_on + 14, %(today)s) END
FROM (
    SELECT q.*, CASE WHEN pg_temp.u(q.id, 92) < 0.25 THEN 'requested'
                     WHEN pg_temp.u(q.id, 92) < 0.45 THEN 'approved'
                     WHEN pg_temp.u(q.id, 92) < 0.85 THEN 'fulfilled'
                     ELSE 'declined' END AS status,
           (%(start)s::date + floor(pg_temp.u(q.id, 93) * %(span)s)::int) AS requested_on,
           1 + floor(power(pg_temp.u(q.id, 91), 2) * 40)::int AS quantity,
           CASE WHEN pg_temp.u(q.id, 95) < 0.8 THEN 'laptop' ELSE 'tablet' END AS kind
    FROM (SELECT h.request_offset + g AS id, h.holder_id
          FROM bench_holder h, generate_series(1, h.requests) AS g) AS q
) AS r
"""

FAMILY = """
INSERT INTO family (id, school_id, pupil_reference, year_group, phone_number, email,
                    preferred_language, sms_consent, home_broadband, created_at)
SELECT f.id, f.holder_id, 'UPN' || lpad(f.g::text, 6, '0'),
       floor(pg_temp.u(f.id, 11) * 14)::int,
       CASE WHEN pg_temp.u(f.id, 12) < 0.85
            THEN '+447700900' || lpad(mod(f.id, 1000)::text, 3, '0') END,
       CASE WHEN pg_temp.u(f.id, 13) < 0.5 THEN 'family' || f.id || '@example.org' END,
       (ARRAY['en','en','en','en','en','en','en','pl','ro','ur','ar','so'])
           [1 + floor(pg_temp.u(f.id, 14) * 12)::int],
       pg_temp.u(f.id, 15) < 0.7,
       pg_temp.u(f.id, 16) >= 0.18,
       TIMESTAMPTZ '2020-09-01 09:00:00+00'
FROM (SELECT h.family_offset + g AS id, g, h.holder_id
      FROM bench_holder h, generate_series(1, h.families) AS g) AS f
"""

# Status: a school's devices are mostly with families; a council's are mostly stock.
DEVICE = """
INSERT INTO device (id, kind, make, model, serial_number, asset_tag, operating_system, status,
                    holder_id, owner_kind, owner_organisation_id, owner_family_id,
                    received_on, warranty_ends_on, created_at)
SELECT v.id, m.kind, m.make, m.model,
       m.prefix || lpad(upper(to_hex(mod(v.id * 2654435761, 4294967296))), 8, '0'),
       CASE WHEN pg_temp.u(v.id, 5) < 0.7 THEN 'AT' || lpad(v.id::text, 8, '0') END,
       m.os, v.status, v.holder_id, v.owner_kind,
       CASE v.owner_kind WHEN 'school' THEN v.holder_id WHEN 'council' THEN v.council_id END,
       CASE WHEN v.owner_kind = 'family'
            THEN v.family_offset + 1 + mod(v.g - 1, v.families) END,
       v.received_on,
       CASE WHEN pg_temp.u(v.id, 7) >= 0.1
            THEN (v.received_on + make_interval(years => 1 + floor(pg_temp.u(v.id, 8) * 3)::int)
                  )::date - 1 END,
       (v.received_on + TIME '09:00') AT TIME ZONE 'UTC'
FROM (
    SELECT s.*,
           CASE WHEN s.status = 'with-family' AND s.families > 0
                     AND pg_temp.u(s.id, 6) < 0.12 THEN 'family'
                WHEN s.is_school AND pg_temp.u(s.id, 6) BETWEEN 0.12 AND 0.2 THEN 'school'
                WHEN pg_temp.u(s.id, 6) BETWEEN 0.2 AND 0.25 THEN 'council'
                ELSE 'scheme' END AS owner_kind
    FROM (
        SELECT r.*,
               CASE WHEN NOT r.is_school THEN
                        CASE WHEN pg_temp.u(r.id, 3) < 0.5 THEN 'in-stock'
                             WHEN pg_temp.u(r.id, 3) < 0.6 THEN 'in-repair'
                             WHEN pg_temp.u(r.id, 3) < 0.8 THEN 'returned'
                             ELSE 'retired' END
                    WHEN r.received_on < DATE '2021-01-01' AND pg_temp.u(r.id, 4) < 0.15
                        THEN 'retired'
                    WHEN pg_temp.u(r.id, 3) < 0.58 THEN 'with-family'
                    WHEN pg_temp.u(r.id, 3) < 0.65 THEN 'allocated'
                    WHEN pg_temp.u(r.id, 3) < 0.73 THEN 'in-stock'
                    WHEN pg_temp.u(r.id, 3) < 0.76 THEN 'in-repair'
                    WHEN pg_temp.u(r.id, 3) < 0.78 THEN 'lost'
                    WHEN pg_temp.u(r.id, 3) < 0.79 THEN 'stolen'
                    WHEN pg_temp.u(r.id, 3) < 0.87 THEN 'returned'
                    ELSE 'retired' END AS status
        FROM (
            SELECT h.device_offset + g AS id, g, h.holder_id, h.council_id, h.is_school,
                   h.family_offset, h.families,
                   %(start)s::date
                       + floor(power(pg_temp.u(h.device_offset + g, 2), 1.8) * %(span)s)::int
                       AS received_on,
                   CASE WHEN pg_temp.u(h.device_offset + g, 1) < 0.70 THEN 'laptop'
                        WHEN pg_temp.u(h.device_offset + g, 1) < 0.88 THEN 'chromebook'
                        ELSE 'tablet' END AS kind
            FROM bench_holder h, generate_series(1, h.devices) AS g
        ) AS r
    ) AS s
) AS v
JOIN bench_model m ON m.kind = v.kind AND m.idx = floor(pg_temp.u(v.id, 9) * 4)::int
"""

OWNERSHIP_TRANSFER = """
INSERT INTO ownership_transfer (id, device_id, from_kind, to_kind, to_organisation_id,
                                to_family_id, transferred_on, accepted_on, acceptance,
                                recorded_by, recorded_at)
SELECT d.id, d.id, 'scheme', d.owner_kind, d.owner_organisation_id, d.owner_family_id, t.day,
       CASE WHEN d.owner_kind = 'family' THEN t.day END,
       CASE WHEN d.owner_kind = 'family' THEN 'signed form' END,
       'benchmark generator', (t.day + TIME '12:00') AT TIME ZONE 'UTC'
FROM device d CROSS JOIN LATERAL (SELECT least(d.received_on + 365, %(today)s) AS day) AS t
WHERE d.owner_kind <> 'scheme'
"""

# The national scheme covers each device for 6 or 12 months from receipt; most then get a
# council, school or supplier period (some open-ended), and some a second one after that.
_SUPPORT_DATES = """
    SELECT d.id, n.national_end,
           CASE WHEN pg_temp.u(d.id, 23) < 0.45 THEN 'council'
                WHEN pg_temp.u(d.id, 23) < 0.75 THEN 'school'
                WHEN pg_temp.u(d.id, 23) < 0.95 THEN 'supplier'
                ELSE 'nobody' END AS follow_provider,
           CASE WHEN pg_temp.u(d.id, 24) >= 0.2
                THEN (n.national_end
                      + make_interval(months => 12 * (1 + floor(pg_temp.u(d.id, 25) * 3)::int)
                ))::date END AS follow_end
    FROM device d
    CROSS JOIN LATERAL (
        SELECT (d.received_on
                + make_interval(months => CASE WHEN pg_temp.u(d.id, 21) < 0.6 THEN 6 ELSE 12 END)
                )::date - 1 AS national_end
    ) AS n
"""
SUPPORT_NATIONAL = f"""
INSERT INTO cover_period (id, device_id, provider, provider_name, starts_on, ends_on)
SELECT p.id, p.id, 'national-scheme', 'Devices for Children', d.received_on, p.national_end
FROM ({_SUPPORT_DATES}) AS p JOIN device d ON d.id = p.id
"""  # noqa: S608 (built from constants, no input)
SUPPORT_FOLLOW_ON = f"""
INSERT INTO cover_period (id, device_id, provider, provider_name, starts_on, ends_on)
SELECT %(devices)s + p.id, p.id, p.follow_provider,
       CASE p.follow_provider WHEN 'supplier' THEN 'Computacenter' END,
       p.national_end + 1, p.follow_end
FROM ({_SUPPORT_DATES}) AS p
WHERE pg_temp.u(p.id, 22) < 0.72
"""  # noqa: S608 (built from constants, no input)
SUPPORT_SECOND = f"""
INSERT INTO cover_period (id, device_id, provider, provider_name, starts_on, ends_on)
SELECT 2 * %(devices)s + p.id, p.id, p.follow_provider,
       CASE p.follow_provider WHEN 'supplier' THEN 'Computacenter' END,
       p.follow_end + 1,
       CASE WHEN pg_temp.u(p.id, 27) >= 0.3
            THEN (p.follow_end + make_interval(months => 24))::date END
FROM ({_SUPPORT_DATES}) AS p
WHERE pg_temp.u(p.id, 22) < 0.72 AND p.follow_end IS NOT NULL
  AND p.follow_provider <> 'nobody' AND pg_temp.u(p.id, 26) < 0.35
"""  # noqa: S608 (built from constants, no input)

# Yearly terms from an anchor day in 2020-21, renewed each year (renewed_from_id); one
# holder in ten has already renewed for next year. Councils also buy web filtering.
_TERMS = """
    SELECT h.number, h.holder_id, h.devices, h.is_school, a.anchor,
           greatest(1, date_part('year', age(%(today)s::date, a.anchor))::int + 1) AS current_term
    FROM bench_holder h
    CROSS JOIN LATERAL (
        SELECT DATE '2020-09-01' + floor(pg_temp.u(h.number, 31) * 365)::int AS anchor
    ) AS a
"""
LICENCE = f"""
INSERT INTO licence (id, organisation_id, product, name, supplier, seats, starts_on, ends_on,
                     cost_per_seat_per_year, renewed_from_id)
SELECT t.number * 100 + p.base + k, t.holder_id, p.product,
       p.label || ' ' || extract(year FROM t.anchor + make_interval(years => k - 1)),
       (ARRAY['Microsoft Intune','Google Workspace for Education','Jamf School','Securly'])
           [1 + floor(pg_temp.u(t.number, 33 + p.base) * 4)::int],
       greatest(1, ceil(t.devices * 1.1))::int,
       (t.anchor + make_interval(years => k - 1))::date,
       (t.anchor + make_interval(years => k))::date - 1,
       4 + floor(pg_temp.u(t.number, 34 + p.base) * 2000) / 100,
       CASE WHEN k > 1 THEN t.number * 100 + p.base + k - 1 END
FROM ({_TERMS}) AS t
CROSS JOIN (VALUES (0, 'device-management', 'Device management'),
                   (50, 'web-filter', 'Web filtering')) AS p(base, product, label)
CROSS JOIN LATERAL generate_series(
    1, t.current_term + CASE WHEN pg_temp.u(t.number, 32 + p.base) < 0.1 THEN 1 ELSE 0 END
) AS k
WHERE p.base = 0 OR NOT t.is_school
"""  # noqa: S608 (built from constants, no input)
LICENCE_SEAT = f"""
INSERT INTO licence_seat (id, licence_id, device_id, assigned_on)
SELECT d.id, t.number * 100 + t.current_term, d.id,
       greatest(d.received_on, (t.anchor + make_interval(years => t.current_term - 1))::date)
FROM device d JOIN ({_TERMS}) AS t ON t.holder_id = d.holder_id
WHERE pg_temp.u(d.id, 35) >= 0.03
"""  # noqa: S608 (built from constants, no input)

STEPS: tuple[tuple[str, str], ...] = (
    ("device_request", DEVICE_REQUEST),
    ("family", FAMILY),
    ("device", DEVICE),
    ("ownership_transfer", OWNERSHIP_TRANSFER),
    ("cover_period", SUPPORT_NATIONAL),
    ("cover_period", SUPPORT_FOLLOW_ON),
    ("cover_period", SUPPORT_SECOND),
    ("licence", LICENCE),
    ("licence_seat", LICENCE_SEAT),
)
