"""Bulk rows for dongles, SIMs, allowances, usage readings and allocations to families.

Same method as load_register: INSERT ... SELECT, choices from pg_temp.u(id, k)."""

# Four dongles in five are paired with one of the holder's devices (dongle g of a holder
# with its device g) and follow that device's state; the rest sit in stock or are gone.
DONGLE = """
INSERT INTO dongle (id, kind, imei, make_model, status, holder_id, paired_device_id,
                    batch_reference, received_on)
SELECT x.id, CASE WHEN x.router THEN 'router' ELSE 'dongle' END,
       '86' || lpad(x.id::text, 13, '0'),
       CASE WHEN x.router THEN 'TP-Link M7350'
            ELSE (ARRAY['Huawei E3372', 'ZTE MF833U1', 'Alcatel IK41'])
                     [1 + floor(pg_temp.u(x.id, 45) * 3)::int] END,
       CASE WHEN NOT x.paired THEN
                CASE WHEN pg_temp.u(x.id, 43) < 0.6 THEN 'in-stock'
                     WHEN pg_temp.u(x.id, 43) < 0.7 THEN 'faulty'
                     WHEN pg_temp.u(x.id, 43) < 0.8 THEN 'lost'
                     WHEN pg_temp.u(x.id, 43) < 0.9 THEN 'returned'
                     ELSE 'retired' END
            WHEN d.status IN ('with-family', 'allocated', 'retired') THEN d.status
            WHEN d.status IN ('lost', 'stolen') THEN 'lost'
            ELSE 'in-stock' END,
       x.holder_id, CASE WHEN x.paired THEN d.id END,
       'DONGLE-' || to_char(x.received_on, 'YYYY-MM'), x.received_on
FROM (
    SELECT y.*, CASE WHEN y.paired THEN dd.received_on
                     ELSE %(start)s::date
                          + floor(power(pg_temp.u(y.id, 44), 1.5) * %(span)s)::int
                END AS received_on
    FROM (
        SELECT h.dongle_offset + g AS id, h.holder_id, h.device_offset + g AS device_id,
               pg_temp.u(h.dongle_offset + g, 42) < 0.8 AS paired,
               pg_temp.u(h.dongle_offset + g, 41) < 0.15 AS router
        FROM bench_holder h, generate_series(1, h.dongles) AS g
    ) AS y
    JOIN device dd ON dd.id = y.device_id
) AS x
JOIN device d ON d.id = x.device_id
"""

# Each dongle has a current SIM on a 12 or 24 month contract that started in the last 18
# months (so some have lapsed); three in ten also had an earlier six-month SIM.
SIM_CURRENT = """
INSERT INTO sim (id, iccid, phone_number, network_operator, dongle_id, holder_id,
                 contract_starts_on, contract_ends_on)
SELECT c.id, '89441' || lpad(c.id::text, 14, '0'),
       '+447700900' || lpad(mod(c.id, 1000)::text, 3, '0'),
       CASE WHEN pg_temp.u(c.id, 52) < 0.35 THEN 'EE'
            WHEN pg_temp.u(c.id, 52) < 0.65 THEN 'Vodafone'
            WHEN pg_temp.u(c.id, 52) < 0.85 THEN 'O2'
            ELSE 'Three' END,
       c.id, c.holder_id, c.starts_on,
       (c.starts_on + make_interval(months => CASE WHEN pg_temp.u(c.id, 53) < 0.7
                                                   THEN 12 ELSE 24 END))::date - 1
FROM (
    SELECT dg.id, dg.holder_id,
           greatest(dg.received_on, %(today)s::date - floor(pg_temp.u(dg.id, 51) * 540)::int)
               AS starts_on
    FROM dongle dg
) AS c
"""
SIM_EARLIER = """
INSERT INTO sim (id, iccid, phone_number, network_operator, dongle_id, holder_id,
                 contract_starts_on, contract_ends_on)
SELECT %(dongles)s + dg.id, '89442' || lpad(dg.id::text, 14, '0'), NULL, 'EE', dg.id,
       dg.holder_id, dg.received_on, (dg.received_on + INTERVAL '6 months')::date - 1
FROM dongle dg JOIN sim s ON s.id = dg.id
WHERE pg_temp.u(dg.id, 54) < 0.3
  AND (dg.received_on + INTERVAL '6 months')::date <= s.contract_starts_on
"""

_BASE_GB = """(CASE WHEN pg_temp.u({sim}, 61) < 0.20 THEN 3
                  WHEN pg_temp.u({sim}, 61) < 0.50 THEN 10
                  WHEN pg_temp.u({sim}, 61) < 0.80 THEN 20
                  WHEN pg_temp.u({sim}, 61) < 0.95 THEN 30
                  ELSE 50 END)"""
# The allowance from the contract's start, and for one SIM in five an uplift (double).
DATA_ALLOWANCE = f"""
INSERT INTO data_allowance (id, sim_id, gb_per_month, effective_from)
SELECT 2 * s.id, s.id, {_BASE_GB.format(sim="s.id")}, s.contract_starts_on FROM sim s
UNION ALL
SELECT 2 * s.id + 1, s.id, 2 * {_BASE_GB.format(sim="s.id")},
       s.contract_starts_on + 1
           + floor(pg_temp.u(s.id, 62) * (%(today)s::date - s.contract_starts_on - 1))::int
FROM sim s
WHERE s.id <= %(dongles)s AND pg_temp.u(s.id, 63) < 0.2
  AND s.contract_starts_on < %(today)s::date - 1
"""  # noqa: S608 (built from constants, no input)

# A reading a day for the last 30 days while the contract runs: MB used so far this month
# at the SIM's own pace (dongles not with a family barely use data).
DATA_USAGE = f"""
INSERT INTO data_usage (id, sim_id, read_on, used_mb)
SELECT s.id * 32 + k, s.id, r.read_on,
       round(r.rate * extract(day FROM r.read_on))::int
FROM sim s
JOIN dongle dg ON dg.id = s.dongle_id
CROSS JOIN generate_series(0, 29) AS k
CROSS JOIN LATERAL (
    SELECT %(today)s::date - k AS read_on,
           {_BASE_GB.format(sim="s.id")} * 1024.0 / 30
               * power(pg_temp.u(s.id, 71), 1.5) * 1.4
               * CASE WHEN dg.status IN ('with-family', 'allocated') THEN 1 ELSE 0.02 END
               AS rate
) AS r
WHERE s.id <= %(dongles)s
  AND r.read_on BETWEEN s.contract_starts_on AND s.contract_ends_on
"""  # noqa: S608 (built from constants, no input)

# An open allocation for each school device that is allocated or with a family (with its
# paired dongle if that is out too); a returned one for each device that came back.
ALLOCATION_OPEN = """
INSERT INTO allocation (id, device_id, dongle_id, family_id, school_id, allocated_on,
                        collected_on, returned_on, return_reason)
SELECT d.id, d.id, dg.id, h.family_offset + 1 + mod(d.id - h.device_offset - 1, h.families),
       d.holder_id, a.allocated_on,
       CASE WHEN d.status = 'with-family'
            THEN least(a.allocated_on + floor(pg_temp.u(d.id, 82) * 14)::int, %(today)s) END,
       NULL, NULL
FROM device d
JOIN bench_holder h ON h.holder_id = d.holder_id AND h.families > 0
LEFT JOIN dongle dg ON dg.paired_device_id = d.id AND dg.status IN ('with-family', 'allocated')
CROSS JOIN LATERAL (
    SELECT least(d.received_on + 7 + floor(pg_temp.u(d.id, 81) * 60)::int, %(today)s)
        AS allocated_on
) AS a
WHERE d.status IN ('allocated', 'with-family')
"""
ALLOCATION_RETURNED = """
INSERT INTO allocation (id, device_id, dongle_id, family_id, school_id, allocated_on,
                        collected_on, returned_on, return_reason)
SELECT %(devices)s + d.id, d.id, NULL,
       h.family_offset + 1 + mod(d.id - h.device_offset - 1, h.families), d.holder_id,
       a.allocated_on, a.allocated_on,
       least(a.allocated_on + 30 + floor(pg_temp.u(d.id, 83) * 400)::int, %(today)s),
       (ARRAY['left-school', 'no-longer-needed', 'faulty', 'upgraded'])
           [1 + floor(pg_temp.u(d.id, 84) * 4)::int]
FROM device d
JOIN bench_holder h ON h.holder_id = d.holder_id AND h.families > 0
CROSS JOIN LATERAL (
    SELECT least(d.received_on + 7 + floor(pg_temp.u(d.id, 81) * 60)::int, %(today)s)
        AS allocated_on
) AS a
WHERE d.status = 'returned'
"""

STEPS: tuple[tuple[str, str], ...] = (
    ("dongle", DONGLE),
    ("sim", SIM_CURRENT),
    ("sim", SIM_EARLIER),
    ("data_allowance", DATA_ALLOWANCE),
    ("data_usage", DATA_USAGE),
    ("allocation", ALLOCATION_OPEN),
    ("allocation", ALLOCATION_RETURNED),
)
