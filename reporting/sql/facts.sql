select
    fact_id,
    company_id,
    document_id,
    line_item_id,
    segment_id,
    period_id,
    scenario,
    forecast_status,
    forecast_announced_on,
    measure,
    unit,
    value
from marts.fct_financial_facts
where is_latest and measure in ('value', 'ratio') and value is not null
order by company_id, line_item_id, segment_id, period_id, fact_id
