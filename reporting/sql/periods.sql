-- Columns are named as the fields of reporting.warehouse.Period (`start`, `end` too).
select
    period_id,
    period_type,
    period_start as start,  -- noqa: RF04
    period_end as "end",
    length_months,
    fiscal_year,
    fiscal_period,
    company_id
from marts.dim_periods
