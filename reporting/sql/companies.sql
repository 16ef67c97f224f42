-- Columns are named as the fields of reporting.warehouse.Company (`name` too).
select
    company_id,
    coalesce(company_name, company_id) as name,  -- noqa: RF04
    exchange,
    stock_code,
    fiscal_year_end_month,
    fiscal_year_end_day
from marts.dim_companies
order by company_name, company_id
