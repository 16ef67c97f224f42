{#
    MetricFlow's time spine: one row per day from January 1 of the year of the earliest
    period to December 31 of the year of the latest (dim_periods covers every period of the
    facts and the KPIs, forecasts included), so a few thousand rows rather than centuries.
    Without any period (an empty warehouse) it spans the current year.
#}

with

periods as (

    select * from {{ ref('dim_periods') }}

),

bounds as (

    select
        cast(
            date_trunc('year', coalesce(min(coalesce(period_start, period_end)), current_date))
            as date
        ) as first_day,
        cast(
            {{ dbt.last_day("coalesce(max(period_end), current_date)", 'year') }} as date
        ) as last_day
    from periods

),

-- DuckDB's generate_series includes both ends
days as (

    select unnest(generate_series(first_day, last_day, interval 1 day)) as date_day
    from bounds

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
