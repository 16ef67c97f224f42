{#
    Margin trends: gross, operating and net margin (fct_kpis) of each company and segment,
    period by period, with the change in percentage points against the previous period of
    the same kind (1H against the previous 1H, FY against the previous FY).
#}

with

kpis as (

    select * from {{ ref('fct_kpis') }}

),

kpi_definitions as (

    select * from {{ ref('dim_kpis') }}

),

margins as (

    select
        company_id,
        segment_id,
        kpi_id,
        period_id,
        period_start,
        period_end,
        fiscal_year,
        fiscal_period,
        value as margin_percent,
        lag(value) over (
            partition by company_id, segment_id, kpi_id, fiscal_period
            order by period_end
        ) as previous_margin_percent,
        lag(period_id) over (
            partition by company_id, segment_id, kpi_id, fiscal_period
            order by period_end
        ) as previous_period_id
    from kpis
    where kpi_id in ('gross_margin', 'operating_margin', 'net_margin')

),

final as (

    select
        -- ids
        margins.company_id,
        margins.segment_id,
        margins.kpi_id,
        margins.period_id,
        margins.previous_period_id,

        -- strings
        kpi_definitions.label as kpi_label,
        margins.fiscal_period,

        -- numerics
        margins.fiscal_year,
        margins.margin_percent,
        margins.previous_margin_percent,
        margins.margin_percent - margins.previous_margin_percent
            as change_in_percentage_points,

        -- dates
        margins.period_start,
        margins.period_end

    from margins
    inner join kpi_definitions
        on margins.kpi_id = kpi_definitions.kpi_id
    order by
        margins.company_id,
        margins.segment_id,
        margins.kpi_id,
        margins.fiscal_period,
        margins.period_end

)

select * from final
