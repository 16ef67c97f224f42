{#
    Guidance against actuals: for every forecast period, line item and segment, the original
    and the revised forecast (with the dates they were announced), the latest forecast, the
    actual amount once a release reports the whole period, and meanwhile the latest actual
    year to date (same start, ending inside the forecast period) with its progress against
    the latest forecast. Latest forecast: the most recently announced, a revision before an
    original of the same day, as fct_kpis ranks them.
#}

with

facts as (

    select * from {{ ref('fct_financial_facts') }}
    where measure = 'value' and is_latest

),

forecasts as (

    select
        *,
        row_number() over (
            partition by company_id, line_item_id, segment_id, period_id, unit
            order by
                forecast_announced_on desc nulls last,
                (forecast_status = 'revised') desc,
                published_on desc
        ) as recency
    from facts
    where scenario = 'forecast'

),

actuals as (

    select * from facts
    where scenario = 'actual'

),

guidance as (

    select
        company_id,
        line_item_id,
        segment_id,
        period_id,
        period_start,
        period_end,
        fiscal_year,
        fiscal_period,
        unit,
        max(case when forecast_status = 'original' then value end) as original_forecast,
        max(case when forecast_status = 'original' then forecast_announced_on end)
            as original_announced_on,
        max(case when forecast_status = 'revised' then value end) as revised_forecast,
        max(case when forecast_status = 'revised' then forecast_announced_on end)
            as revised_announced_on,
        max(case when recency = 1 then value end) as latest_forecast,
        max(case when recency = 1 then forecast_announced_on end) as latest_announced_on
    from forecasts
    group by all

),

-- the longest actual period from the forecast period's start to a date inside it
year_to_date as (

    select
        guidance.company_id,
        guidance.line_item_id,
        guidance.segment_id,
        guidance.period_id,
        guidance.unit,
        actuals.period_id as year_to_date_period_id,
        actuals.value as year_to_date_value,
        row_number() over (
            partition by
                guidance.company_id,
                guidance.line_item_id,
                guidance.segment_id,
                guidance.period_id,
                guidance.unit
            order by actuals.period_end desc
        ) as recency
    from guidance
    inner join actuals
        on
            guidance.company_id = actuals.company_id
            and guidance.line_item_id = actuals.line_item_id
            and guidance.segment_id = actuals.segment_id
            and guidance.unit = actuals.unit
            and guidance.period_start = actuals.period_start
            and guidance.period_end >= actuals.period_end

),

final as (

    select
        -- ids
        guidance.company_id,
        guidance.line_item_id,
        guidance.segment_id,
        guidance.period_id,
        year_to_date.year_to_date_period_id,

        -- strings
        guidance.fiscal_period,
        guidance.unit,

        -- numerics
        guidance.fiscal_year,
        guidance.original_forecast,
        guidance.revised_forecast,
        guidance.revised_forecast - guidance.original_forecast as revision,
        case
            when guidance.original_forecast != 0
                then cast(round(
                    (guidance.revised_forecast - guidance.original_forecast)
                    / abs(guidance.original_forecast) * 100,
                    6
                ) as decimal(38, 6))
        end as revision_percent,
        guidance.latest_forecast,
        full_period.value as actual,
        full_period.value - guidance.latest_forecast as actual_minus_latest_forecast,
        year_to_date.year_to_date_value,
        case
            when guidance.latest_forecast != 0
                then cast(
                    round(year_to_date.year_to_date_value / guidance.latest_forecast * 100, 6)
                    as decimal(38, 6)
                )
        end as progress_percent,

        -- dates
        guidance.period_start,
        guidance.period_end,
        guidance.original_announced_on,
        guidance.revised_announced_on,
        guidance.latest_announced_on

    from guidance
    left join actuals as full_period
        on
            guidance.company_id = full_period.company_id
            and guidance.line_item_id = full_period.line_item_id
            and guidance.segment_id = full_period.segment_id
            and guidance.period_id = full_period.period_id
            and guidance.unit = full_period.unit
    left join year_to_date
        on
            guidance.company_id = year_to_date.company_id
            and guidance.line_item_id = year_to_date.line_item_id
            and guidance.segment_id = year_to_date.segment_id
            and guidance.period_id = year_to_date.period_id
            and guidance.unit = year_to_date.unit
            and year_to_date.recency = 1
    order by
        guidance.company_id,
        guidance.period_end,
        guidance.line_item_id,
        guidance.segment_id

)

select * from final
