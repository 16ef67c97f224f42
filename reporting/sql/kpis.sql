select
    kpi_id,
    coalesce(label, kpi_id) as label,
    numerator_line_item_id,
    denominator_line_item_id,
    unit,
    definition
from marts.dim_kpis
order by kpi_id
