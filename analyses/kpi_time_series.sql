{#
    Every KPI as a time series: one row per KPI, company, segment, line item (for the KPIs
    that apply to any line item) and period, in period order, with the KPI's label and unit
    and the position of the period in its series. Derived values (computed here rather than
    printed) are marked is_derived.
#}

with

kpis as (

    select * from {{ ref('fct_kpis') }}

),

kpi_definitions as (

    select * from {{ ref('dim_kpis') }}

),

final as (

    select
        -- ids
        kpis.kpi_id,
        kpis.company_id,
        kpis.segment_id,
        kpis.line_item_id,
        kpis.period_id,

        -- strings
        kpi_definitions.label as kpi_label,
        kpis.unit,
        kpis.fiscal_period,

        -- numerics
        kpis.fiscal_year,
        kpis.value,
        kpis.reported_value,
        kpis.position_in_series,

        -- booleans
        kpis.is_derived,

        -- dates
        kpis.period_start,
        kpis.period_end

    from kpis
    inner join kpi_definitions
        on kpis.kpi_id = kpi_definitions.kpi_id
    -- series by series, each in period order (precomputed: fct_kpis.series_order)
    order by kpis.series_order

)

select * from final
