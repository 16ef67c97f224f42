{#
    One row per company and period: the calendar attributes of a period are the same for
    every company, but where it falls in the fiscal year depends on the company's fiscal year
    end (IIJ: March 31, so FY2021 runs 2021-04-01 to 2022-03-31; Northwind: December 31).
    Covers every period of the published facts (int_facts_published, as fct_financial_facts
    publishes them) and the quarters derived from them (int_quarters_derived, the derived
    discrete quarters of fct_kpis): every period a fact table names.
#}

with

facts as (

    select * from {{ ref('int_facts_published') }}

),

derived_quarters as (

    select * from {{ ref('int_quarters_derived') }}

),

companies as (

    select * from {{ ref('dim_companies') }}

),

reported_periods as (

    select
        company_id,
        period_id,
        period_type,
        period_start,
        period_end,
        -- the issuer's own numbering of the fiscal year, as the documents print it
        max(fiscal_year) as fiscal_year
    from facts
    group by company_id, period_id, period_type, period_start, period_end

),

derived_periods as (

    select distinct
        derived_quarters.company_id,
        derived_quarters.period_id,
        'duration' as period_type,
        derived_quarters.period_start,
        derived_quarters.period_end,
        derived_quarters.fiscal_year
    from derived_quarters
    left join reported_periods
        on
            derived_quarters.company_id = reported_periods.company_id
            and derived_quarters.period_id = reported_periods.period_id
    where reported_periods.period_id is null

),

periods as (

    select * from reported_periods
    union all
    select * from derived_periods

),

-- the first day of the fiscal year end month in the year before, of and after the period end
fiscal_year_end_months as (

    select
        periods.*,
        companies.fiscal_year_end_day,
        cast(
            {{ dbt.dateadd(
                'month',
                'companies.fiscal_year_end_month - 13',
                dbt.date_trunc('year', 'periods.period_end')
            ) }} as date
        ) as previous_year_end_month,
        cast(
            {{ dbt.dateadd(
                'month',
                'companies.fiscal_year_end_month - 1',
                dbt.date_trunc('year', 'periods.period_end')
            ) }} as date
        ) as same_year_end_month,
        cast(
            {{ dbt.dateadd(
                'month',
                'companies.fiscal_year_end_month + 11',
                dbt.date_trunc('year', 'periods.period_end')
            ) }} as date
        ) as next_year_end_month
    from periods
    left join companies on periods.company_id = companies.company_id

),

-- the fiscal year end dates; a day past the month's last (Feb 29 in a common year) is its last
fiscal_year_end_dates as (

    select
        *,
        least(
            cast(
                {{ dbt.dateadd('day', 'fiscal_year_end_day - 1', 'previous_year_end_month') }}
                as date
            ),
            {{ dbt.last_day('previous_year_end_month', 'month') }}
        ) as previous_year_end,
        least(
            cast(
                {{ dbt.dateadd('day', 'fiscal_year_end_day - 1', 'same_year_end_month') }}
                as date
            ),
            {{ dbt.last_day('same_year_end_month', 'month') }}
        ) as same_year_end,
        least(
            cast(
                {{ dbt.dateadd('day', 'fiscal_year_end_day - 1', 'next_year_end_month') }}
                as date
            ),
            {{ dbt.last_day('next_year_end_month', 'month') }}
        ) as next_year_end
    from fiscal_year_end_months

),

-- a period belongs to the fiscal year in which it ends
fiscal_years as (

    select
        *,
        case
            when same_year_end >= period_end then same_year_end else next_year_end
        end as fiscal_year_end,
        cast(
            {{ dbt.dateadd(
                'day', 1,
                'case when same_year_end >= period_end then previous_year_end '
                ~ 'else same_year_end end'
            ) }} as date
        ) as fiscal_year_start
    from fiscal_year_end_dates

),

final as (

    select
        -- ids
        cast(company_id as varchar) as company_id,
        cast(period_id as varchar) as period_id,

        -- period
        cast(period_type as varchar) as period_type,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(
            case
                when period_type = 'duration'
                    then {{ dbt.datediff(
                        'period_start', dbt.dateadd('day', 1, 'period_end'), 'month'
                    ) }}
            end as integer
        ) as length_months,

        -- calendar, of the period end
        cast(extract(year from period_end) as integer) as calendar_year,
        cast(extract(quarter from period_end) as integer) as calendar_quarter,
        cast(extract(month from period_end) as integer) as calendar_month,

        -- fiscal calendar of the company
        cast(fiscal_year as integer) as fiscal_year,
        cast(
            case
                -- durations from the start of the fiscal year: Q1, 1H, 9M, FY
                when period_type = 'duration' and period_start = fiscal_year_start
                    then case cast({{ dbt.dateadd('day', 1, 'period_end') }} as date)
                        when cast({{ dbt.dateadd('month', 3, 'fiscal_year_start') }} as date)
                            then 'Q1'
                        when cast({{ dbt.dateadd('month', 6, 'fiscal_year_start') }} as date)
                            then '1H'
                        when cast({{ dbt.dateadd('month', 9, 'fiscal_year_start') }} as date)
                            then '9M'
                        when cast({{ dbt.dateadd('day', 1, 'fiscal_year_end') }} as date)
                            then 'FY'
                    end
                -- the later quarters and the second half
                when
                    period_type = 'duration'
                    and cast({{ dbt.dateadd('month', 3, 'period_start') }} as date)
                    = cast({{ dbt.dateadd('day', 1, 'period_end') }} as date)
                    then case period_start
                        when cast({{ dbt.dateadd('month', 3, 'fiscal_year_start') }} as date)
                            then 'Q2'
                        when cast({{ dbt.dateadd('month', 6, 'fiscal_year_start') }} as date)
                            then 'Q3'
                        when cast({{ dbt.dateadd('month', 9, 'fiscal_year_start') }} as date)
                            then 'Q4'
                    end
                when
                    period_type = 'duration'
                    and period_start
                    = cast({{ dbt.dateadd('month', 6, 'fiscal_year_start') }} as date)
                    and period_end = fiscal_year_end
                    then '2H'
                -- instants at the end of a fiscal quarter
                when period_type = 'instant'
                    then case cast({{ dbt.dateadd('day', 1, 'period_end') }} as date)
                        when cast({{ dbt.dateadd('month', 3, 'fiscal_year_start') }} as date)
                            then 'Q1'
                        when cast({{ dbt.dateadd('month', 6, 'fiscal_year_start') }} as date)
                            then 'Q2'
                        when cast({{ dbt.dateadd('month', 9, 'fiscal_year_start') }} as date)
                            then 'Q3'
                        when cast({{ dbt.dateadd('day', 1, 'fiscal_year_end') }} as date)
                            then 'Q4'
                    end
            end as varchar
        ) as fiscal_period,
        cast(fiscal_year_start as date) as fiscal_year_start,
        cast(fiscal_year_end as date) as fiscal_year_end,
        cast(period_end = fiscal_year_end as boolean) as is_fiscal_year_end

    from fiscal_years

)

select * from final
