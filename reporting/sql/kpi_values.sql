select
    kpi_id,
    company_id,
    line_item_id,
    segment_id,
    period_id,
    value,
    unit,
    string_split(coalesce(input_fact_ids, ''), ',') as input_fact_ids
from marts.fct_kpis
order by kpi_fact_id
