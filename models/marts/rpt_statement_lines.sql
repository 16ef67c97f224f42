{#
    The primary statements in long form: every latest consolidated actual amount of a line
    item of the statements of profit or loss, comprehensive income, financial position and
    cash flows, one row per company, line item and period, in presentation order.
#}

with

facts as (

    select * from {{ ref('fct_financial_facts') }}

),

line_items as (

    select * from {{ ref('dim_line_items') }}

),

final as (

    select
        -- ids
        cast(facts.company_id as varchar) as company_id,
        cast(facts.document_id as varchar) as document_id,
        cast(facts.fact_id as varchar) as fact_id,
        cast(facts.line_item_id as varchar) as line_item_id,
        cast(facts.period_id as varchar) as period_id,

        -- line item, as the statement presents it
        cast(line_items.statement as varchar) as statement,  -- noqa: RF04
        cast(line_items.label as varchar) as label,
        cast(line_items.presentation_order as integer) as presentation_order,
        cast(line_items.is_total as boolean) as is_total,

        -- period
        cast(facts.period_type as varchar) as period_type,
        cast(facts.period_start as date) as period_start,
        cast(facts.period_end as date) as period_end,
        cast(facts.fiscal_year as integer) as fiscal_year,
        cast(facts.fiscal_period as varchar) as fiscal_period,

        -- numerics
        cast(facts.value as decimal(38, 6)) as value,
        cast(facts.unit as varchar) as unit

    from facts
    inner join line_items on facts.line_item_id = line_items.line_item_id
    where
        facts.is_latest
        and facts.segment_id = 'consolidated'
        and facts.scenario = 'actual'
        and facts.measure = 'value'
        and line_items.statement in ({{ sql_list(var('primary_statements')) }})

)

select * from final
order by company_id, statement, presentation_order, period_end, period_start
