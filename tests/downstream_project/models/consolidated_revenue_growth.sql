{#
    A downstream model on the warehouse's public, versioned fact table: each company's latest
    consolidated revenue per period and its growth against the same period a year earlier.
#}

with

facts as (

    select * from {{ ref('disclosure_warehouse', 'fct_financial_facts', v=1) }}

),

companies as (

    select * from {{ ref('disclosure_warehouse', 'dim_companies') }}

),

revenues as (

    select
        company_id,
        period_id,
        period_start,
        period_end,
        value as revenue
    from facts
    where
        line_item_id = 'revenue'
        and segment_id = 'consolidated'
        and scenario = 'actual'
        and measure = 'value'
        and period_start is not null
        and is_latest

),

final as (

    select
        revenues.company_id,
        companies.company_name,
        revenues.period_id,
        revenues.period_start,
        revenues.period_end,
        revenues.revenue,
        prior_year.period_id as prior_year_period_id,
        prior_year.revenue as prior_year_revenue,
        revenues.revenue - prior_year.revenue as revenue_change
    from revenues
    inner join companies
        on revenues.company_id = companies.company_id
    left join revenues as prior_year
        on
            revenues.company_id = prior_year.company_id
            and prior_year.period_start = revenues.period_start - interval 1 year
            and prior_year.period_end = revenues.period_end - interval 1 year

)

select * from final
