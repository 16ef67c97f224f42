-- The change is exactly the difference of the two revenues (DECIMAL: no rounding).
select *
from {{ ref('consolidated_revenue_growth') }}
where
    prior_year_revenue is not null
    and revenue_change != revenue - prior_year_revenue
