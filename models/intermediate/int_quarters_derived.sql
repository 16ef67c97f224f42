{#
    The discrete quarters no document prints, derived from two cumulative periods of the
    latest actual amounts (int_facts_published, is_latest): a cumulative period (1H, 9M,
    FY) less a reported period sharing its start or its end. One row per company, line
    item, segment and quarter, and only where no document printed that quarter: a
    derivation never replaces a report. fct_kpis publishes them as discrete_quarter KPIs,
    and their periods are rows of dim_periods.
#}

with

facts as (

    select * from {{ ref('int_facts_published') }}

),

units as (

    select * from {{ ref('units') }}

),

actual_values as (

    select
        facts.*,
        units.unit_kind
    from facts
    left join units on facts.unit = units.unit
    where
        facts.is_latest
        and facts.value is not null
        and facts.scenario = 'actual'
        and facts.measure = 'value'

),

-- a cumulative period (1H, 9M, FY) less a reported period sharing its start or its end:
-- Q2 = 1H - Q1, Q3 = 9M - 1H, Q4 = FY - 9M, and Q1 = 1H - Q2 (the three months to the 1H end)
quarter_derivations as (

    select
        cumulative.company_id,
        cumulative.line_item_id,
        cumulative.segment_id,
        cumulative.unit,
        cumulative.fiscal_year,
        cumulative.period_start as fiscal_year_start,
        cumulative.value - part.value as value,
        cumulative.fact_id || ',' || part.fact_id as input_fact_ids,
        case
            when cumulative.published_on >= part.published_on then cumulative.document_id
            else part.document_id
        end as document_id,
        greatest(cumulative.published_on, part.published_on) as published_on,
        case
            when part.period_start = cumulative.period_start
                then cast({{ dbt.dateadd('day', 1, 'part.period_end') }} as date)
            else cumulative.period_start
        end as quarter_start,
        case
            when part.period_start = cumulative.period_start then cumulative.period_end
            else cast({{ dbt.dateadd('day', -1, 'part.period_start') }} as date)
        end as quarter_end
    from actual_values as cumulative
    inner join actual_values as part
        on
            cumulative.company_id = part.company_id
            and cumulative.line_item_id = part.line_item_id
            and cumulative.segment_id = part.segment_id
            and cumulative.unit = part.unit
            and part.period_type = 'duration'
            and (
                (
                    cumulative.period_start = part.period_start
                    and cumulative.period_end > part.period_end
                )
                or (
                    cumulative.period_end = part.period_end
                    and cumulative.period_start < part.period_start
                )
            )
    where
        cumulative.period_type = 'duration'
        and cumulative.unit_kind = 'monetary'
        and cumulative.fiscal_period in ('1H', '9M', 'FY')

),

derived_quarter_candidates as (

    select
        *,
        {{ period_id(none, 'quarter_start', 'quarter_end') }} as period_id,
        {{ dbt.datediff('fiscal_year_start', 'quarter_start', 'month') }}
            as months_into_fiscal_year,
        row_number() over (
            partition by company_id, line_item_id, segment_id, quarter_start, quarter_end
            order by published_on desc, input_fact_ids asc
        ) as preference
    from quarter_derivations
    where
        cast({{ dbt.dateadd('month', 3, 'quarter_start') }} as date)
        = cast({{ dbt.dateadd('day', 1, 'quarter_end') }} as date)

),

-- derived only where no document printed the quarter: a derivation never replaces a report
derived_quarters as (

    select derived_quarter_candidates.*
    from derived_quarter_candidates
    left join actual_values as reported
        on
            derived_quarter_candidates.company_id = reported.company_id
            and derived_quarter_candidates.line_item_id = reported.line_item_id
            and derived_quarter_candidates.segment_id = reported.segment_id
            and derived_quarter_candidates.period_id = reported.period_id
    where
        derived_quarter_candidates.preference = 1
        and reported.fact_id is null

),

final as (

    select
        -- ids
        company_id,
        document_id,
        line_item_id,
        segment_id,
        period_id,

        -- period
        quarter_start as period_start,
        quarter_end as period_end,
        fiscal_year,
        'Q' || cast(cast(floor(months_into_fiscal_year / 3) + 1 as integer) as varchar)
            as fiscal_period,

        -- numerics
        unit,
        value,

        -- lineage
        input_fact_ids

    from derived_quarters

)

select * from final
