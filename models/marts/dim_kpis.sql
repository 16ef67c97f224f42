with

kpis as (

    select * from {{ ref('kpis') }}

),

final as (

    select
        -- ids
        cast(kpi_id as varchar) as kpi_id,
        cast(numerator_line_item_id as varchar) as numerator_line_item_id,
        cast(denominator_line_item_id as varchar) as denominator_line_item_id,
        cast(reported_line_item_id as varchar) as reported_line_item_id,

        -- strings
        cast(label as varchar) as label,
        cast(definition as varchar) as definition,
        cast(formula as varchar) as formula,
        cast(unit as varchar) as unit

    from kpis

)

select * from final
