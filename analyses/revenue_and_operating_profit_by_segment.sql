{#
    Revenue and operating profit side by side, for every company, segment and period a
    release reports either of them: the latest actual amount of each (is_latest), in base
    units (yen), with the operating margin they imply (where revenue is positive). A segment reports only one of the two
    where the release prints only one (service lines print revenue only).
#}

with

facts as (

    select * from {{ ref('fct_financial_facts') }}

),

segments as (

    select * from {{ ref('dim_segments') }}

),

amounts as (

    select
        company_id,
        segment_id,
        period_id,
        period_start,
        period_end,
        fiscal_year,
        fiscal_period,
        unit,
        max(case when line_item_id = 'revenue' then value end) as revenue,
        max(case when line_item_id = 'operating_profit' then value end) as operating_profit
    from facts
    where
        line_item_id in ('revenue', 'operating_profit')
        and scenario = 'actual'
        and measure = 'value'
        and is_latest
    group by all

),

final as (

    select
        -- ids
        amounts.company_id,
        amounts.segment_id,
        amounts.period_id,

        -- strings
        segments.label as segment_label,
        segments.segment_type,
        amounts.fiscal_period,
        amounts.unit,

        -- numerics
        amounts.fiscal_year,
        amounts.revenue,
        amounts.operating_profit,
        case
            when amounts.revenue > 0
                then cast(
                    round(amounts.operating_profit / amounts.revenue * 100, 6) as decimal(38, 6)
                )
        end as operating_margin_percent,

        -- dates
        amounts.period_start,
        amounts.period_end

    from amounts
    left join segments
        on amounts.segment_id = segments.segment_id
    order by
        amounts.company_id,
        segments.presentation_order,
        amounts.segment_id,
        amounts.period_end,
        amounts.period_start

)

select * from final
