{#
    Key performance indicators computed from the latest reported facts (is_latest): ratios of
    two line items, year-over-year growth, segment shares of revenue, discrete quarters (the
    printed ones, and those derived from cumulative periods in int_quarters_derived) and
    progress against the full-year target. Each row lists the facts it was computed from.
    Ratios are percentages rounded to 6 places (21.168 for 21.168%).
#}

with

facts as (

    select * from {{ ref('fct_financial_facts') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

kpis as (

    select * from {{ ref('kpis') }}

),

segments as (

    select * from {{ ref('dim_segments') }}

),

units as (

    select * from {{ ref('units') }}

),

-- the quarters no document prints, derived from two cumulative periods
derived_quarters as (

    select * from {{ ref('int_quarters_derived') }}

),

latest_facts as (

    select
        facts.fact_id,
        facts.document_id,
        facts.company_id,
        facts.line_item_id,
        facts.segment_id,
        facts.scenario,
        facts.forecast_status,
        facts.forecast_announced_on,
        facts.measure,
        facts.period_id,
        facts.period_type,
        facts.period_start,
        facts.period_end,
        facts.fiscal_year,
        facts.fiscal_period,
        facts.unit,
        facts.value,
        facts.printed_value,
        documents.published_on,
        segments.segment_type,
        units.unit_kind
    from facts
    inner join documents on facts.document_id = documents.document_id
    left join units on facts.unit = units.unit
    left join segments on facts.segment_id = segments.segment_id
    where facts.is_latest and facts.value is not null

),

actual_values as (

    select * from latest_facts
    where scenario = 'actual' and measure = 'value'

),

-- percentages a release prints itself (an equity ratio, a gross profit ratio)
printed_percentages as (

    select
        *,
        row_number() over (
            partition by company_id, line_item_id, segment_id, period_id
            order by (measure = 'ratio') desc, published_on desc
        ) as preference
    from latest_facts
    where
        scenario = 'actual'
        and unit = 'percent'
        and measure in ('ratio', 'value')

),

printed_changes as (

    select * from latest_facts
    where scenario = 'actual' and measure = 'change_percent'

),

-- gross, operating and net margin, equity ratio: numerator / denominator, same segment and period
ratios as (

    select
        kpis.kpi_id,
        numerators.company_id,
        case
            when numerators.published_on >= denominators.published_on
                then numerators.document_id
            else denominators.document_id
        end as document_id,
        cast(null as varchar) as line_item_id,
        numerators.segment_id,
        numerators.period_id,
        numerators.period_start,
        numerators.period_end,
        numerators.fiscal_year,
        numerators.fiscal_period,
        kpis.unit,
        cast(round(numerators.value / denominators.value * 100, 6) as decimal(38, 6)) as value,
        printed.value as reported_value,
        true as is_derived,
        numerators.fact_id || ',' || denominators.fact_id
        || coalesce(',' || printed.fact_id, '') as input_fact_ids
    from kpis
    inner join actual_values as numerators
        on kpis.numerator_line_item_id = numerators.line_item_id
    inner join actual_values as denominators
        on
            kpis.denominator_line_item_id = denominators.line_item_id
            and numerators.company_id = denominators.company_id
            and numerators.segment_id = denominators.segment_id
            and numerators.period_id = denominators.period_id
            -- amounts of one currency: a line item printed as a percentage ("revenue up
            -- 21%" read as revenue) or in another currency is no term of a ratio
            and numerators.unit = denominators.unit
            and numerators.unit_kind = 'monetary'
    left join printed_percentages as printed
        on
            kpis.reported_line_item_id = printed.line_item_id
            and numerators.company_id = printed.company_id
            and numerators.segment_id = printed.segment_id
            and numerators.period_id = printed.period_id
            and printed.preference = 1
    where
        kpis.kpi_id in ('gross_margin', 'operating_margin', 'net_margin', 'equity_ratio')
        -- eliminations have no margin of their own
        and coalesce(numerators.segment_type, '') != 'adjustment'
        and denominators.value != 0

),

-- a segment's (or service line's) revenue over consolidated revenue of the same period
segment_shares as (

    select
        kpis.kpi_id,
        segment_revenues.company_id,
        case
            when
                segment_revenues.published_on >= consolidated.published_on
                then segment_revenues.document_id
            else consolidated.document_id
        end as document_id,
        cast(null as varchar) as line_item_id,
        segment_revenues.segment_id,
        segment_revenues.period_id,
        segment_revenues.period_start,
        segment_revenues.period_end,
        segment_revenues.fiscal_year,
        segment_revenues.fiscal_period,
        kpis.unit,
        cast(round(segment_revenues.value / consolidated.value * 100, 6) as decimal(38, 6))
            as value,
        cast(null as decimal(38, 6)) as reported_value,
        true as is_derived,
        segment_revenues.fact_id || ',' || consolidated.fact_id as input_fact_ids
    from kpis
    inner join actual_values as segment_revenues
        on
            kpis.numerator_line_item_id = segment_revenues.line_item_id
            and segment_revenues.segment_id != 'consolidated'
            and coalesce(segment_revenues.segment_type, '') != 'adjustment'
    inner join actual_values as consolidated
        on
            kpis.denominator_line_item_id = consolidated.line_item_id
            and consolidated.segment_id = 'consolidated'
            and segment_revenues.company_id = consolidated.company_id
            and segment_revenues.period_id = consolidated.period_id
            and segment_revenues.unit = consolidated.unit
            and segment_revenues.unit_kind = 'monetary'
    where
        kpis.kpi_id = 'segment_share_of_revenue'
        and consolidated.value != 0

),

-- growth against the same line item, segment and period twelve months earlier, where both
-- amounts have the same sign; the period
-- end is shifted from the day after it so that month ends stay month ends (Feb 29 -> Feb 28)
growth as (

    select
        'yoy_growth' as kpi_id,
        currents.company_id,
        case
            when currents.published_on >= priors.published_on then currents.document_id
            else priors.document_id
        end as document_id,
        currents.line_item_id,
        currents.segment_id,
        currents.period_id,
        currents.period_start,
        currents.period_end,
        currents.fiscal_year,
        currents.fiscal_period,
        'percent' as unit,
        -- the growth of the amount, whatever sign its line is printed with: costs printed
        -- negative (a company's own lines keep the printed sign) grow as costs printed positive
        cast(
            round((abs(currents.value) - abs(priors.value)) / abs(priors.value) * 100, 6)
            as decimal(38, 6)
        ) as value,
        -- the printed sign: a cost that fell prints a negative YoY %
        printed.printed_value as reported_value,
        true as is_derived,
        currents.fact_id || ',' || priors.fact_id
        || coalesce(',' || printed.fact_id, '') as input_fact_ids
    from actual_values as currents
    inner join actual_values as priors
        on
            currents.company_id = priors.company_id
            and currents.line_item_id = priors.line_item_id
            and currents.segment_id = priors.segment_id
            and currents.unit = priors.unit
            and currents.period_type = priors.period_type
            and priors.period_end = cast(
                {{ dbt.dateadd(
                    'day', -1,
                    dbt.dateadd('month', -12, dbt.dateadd('day', 1, 'currents.period_end'))
                ) }} as date
            )
            and (
                currents.period_type = 'instant'
                or priors.period_start
                = cast({{ dbt.dateadd('month', -12, 'currents.period_start') }} as date)
            )
    left join printed_changes as printed
        on
            currents.company_id = printed.company_id
            and currents.line_item_id = printed.line_item_id
            and currents.segment_id = printed.segment_id
            and (
                currents.period_id = printed.period_id
                -- the YoY change of a balance runs from the day after the prior balance
                or (
                    currents.period_type = 'instant'
                    and currents.period_end = printed.period_end
                    and cast({{ dbt.dateadd('day', 1, 'priors.period_end') }} as date)
                    = printed.period_start
                )
            )
    where
        currents.unit != 'percent'
        -- growth across a change of sign (a loss to a profit) or from zero is not meaningful
        -- ("n.m." in an analyst's table): no row rather than a percentage of a near-zero base
        and sign(currents.value) * sign(priors.value) = 1

),

-- amounts of three-month periods, as printed
reported_quarters as (

    select * from actual_values
    where
        period_type = 'duration'
        and unit_kind = 'monetary'
        and cast({{ dbt.dateadd('month', 3, 'period_start') }} as date)
        = cast({{ dbt.dateadd('day', 1, 'period_end') }} as date)

),

discrete_quarters as (

    select
        'discrete_quarter' as kpi_id,
        company_id,
        document_id,
        line_item_id,
        segment_id,
        period_id,
        period_start,
        period_end,
        fiscal_year,
        fiscal_period,
        unit,
        value,
        cast(null as decimal(38, 6)) as reported_value,
        false as is_derived,
        fact_id as input_fact_ids
    from reported_quarters

    union all

    select
        'discrete_quarter' as kpi_id,
        company_id,
        document_id,
        line_item_id,
        segment_id,
        period_id,
        period_start,
        period_end,
        fiscal_year,
        fiscal_period,
        unit,
        value,
        cast(null as decimal(38, 6)) as reported_value,
        true as is_derived,
        input_fact_ids
    from derived_quarters

),

-- the latest full-year forecast of each line item, segment and fiscal year
full_year_forecasts as (

    select
        *,
        row_number() over (
            partition by company_id, line_item_id, segment_id, period_id
            order by
                forecast_announced_on desc nulls last,
                (forecast_status = 'revised') desc,
                published_on desc
        ) as recency
    from latest_facts
    where
        scenario = 'forecast'
        and measure = 'value'
        and period_type = 'duration'
        and fiscal_period = 'FY'

),

progress as (

    select
        'progress_against_target' as kpi_id,
        actuals.company_id,
        case
            when actuals.published_on >= forecasts.published_on then actuals.document_id
            else forecasts.document_id
        end as document_id,
        actuals.line_item_id,
        actuals.segment_id,
        actuals.period_id,
        actuals.period_start,
        actuals.period_end,
        actuals.fiscal_year,
        actuals.fiscal_period,
        'percent' as unit,
        cast(round(actuals.value / forecasts.value * 100, 6) as decimal(38, 6)) as value,
        cast(null as decimal(38, 6)) as reported_value,
        true as is_derived,
        actuals.fact_id || ',' || forecasts.fact_id as input_fact_ids
    from actual_values as actuals
    inner join full_year_forecasts as forecasts
        on
            actuals.company_id = forecasts.company_id
            and actuals.line_item_id = forecasts.line_item_id
            and actuals.segment_id = forecasts.segment_id
            and actuals.unit = forecasts.unit
            and actuals.period_start = forecasts.period_start
            and actuals.period_end <= forecasts.period_end
            and forecasts.recency = 1
    where
        actuals.period_type = 'duration'
        and actuals.unit_kind = 'monetary'
        and forecasts.value != 0

),

kpi_values as (

    select * from ratios
    union all
    select * from segment_shares
    union all
    select * from growth
    union all
    select * from discrete_quarters
    union all
    select * from progress

),

final as (

    select
        -- ids
        cast(
            kpi_id || ':' || company_id || ':' || coalesce(line_item_id, '-') || ':'
            || segment_id || ':' || period_id as varchar
        ) as kpi_fact_id,
        cast(kpi_id as varchar) as kpi_id,
        cast(company_id as varchar) as company_id,
        cast(document_id as varchar) as document_id,
        cast(line_item_id as varchar) as line_item_id,
        cast(segment_id as varchar) as segment_id,
        cast(period_id as varchar) as period_id,

        -- period
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_period as varchar) as fiscal_period,
        -- the period's place in its series (KPI, company, segment, line item), earliest
        -- first: computed once here rather than by every time-series query
        cast(
            row_number() over (
                partition by kpi_id, company_id, segment_id, line_item_id
                order by period_end, period_start
            ) as integer
        ) as position_in_series,
        -- the row's place in the whole table read series by series (KPI, company, segment,
        -- line item, a missing line item last), each in period order: one integer for an
        -- export of every series to sort on, instead of five columns
        cast(
            row_number() over (
                order by
                    kpi_id, company_id, segment_id, line_item_id nulls last,
                    period_end, period_start
            ) as bigint
        ) as series_order,

        -- numerics
        cast(value as decimal(38, 6)) as value,
        cast(unit as varchar) as unit,
        cast(reported_value as decimal(38, 6)) as reported_value,
        cast(value - reported_value as decimal(38, 6)) as difference,

        -- lineage
        cast(is_derived as boolean) as is_derived,
        cast(input_fact_ids as varchar) as input_fact_ids

    from kpi_values

)

select * from final
