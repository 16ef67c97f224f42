{#
    The body of a statement report over durations (profit or loss, cash flows): for each
    document (the latest version of its file, published), the statement's line items in
    presentation order, with the latest consolidated amounts for the period the document
    reports and for the same period one year earlier. rpt_income_statement and
    rpt_cash_flows differ only in the statement they select.
#}
{% macro duration_statement_report(statement) %}
with

lines as (

    select * from {{ ref('rpt_statement_lines') }}
    where statement = '{{ statement }}'

),

documents as (

    select * from {{ ref('dim_documents') }}

),

statement_periods as (

    select
        document_id,
        company_id,
        fiscal_year,
        fiscal_period,
        period_start as current_period_start,
        period_end as current_period_end,
        cast({{ dbt.dateadd('month', -12, 'period_start') }} as date) as prior_period_start,
        -- shifted from the day after, so that month ends stay month ends
        cast(
            {{ dbt.dateadd(
                'day', -1, dbt.dateadd('month', -12, dbt.dateadd('day', 1, 'period_end'))
            ) }} as date
        ) as prior_period_end
    from documents
    where
        is_latest_version
        and status = 'published'
        and company_id is not null
        and period_end is not null

),

statement_documents as (

    select
        *,
        {{ period_id(none, 'current_period_start', 'current_period_end') }}
            as current_period_id,
        {{ period_id(none, 'prior_period_start', 'prior_period_end') }} as prior_period_id
    from statement_periods

),

-- the line items with an amount in either period
document_lines as (

    select distinct
        statement_documents.document_id,
        lines.line_item_id
    from statement_documents
    inner join lines
        on
            statement_documents.company_id = lines.company_id
            and lines.period_id in (
                statement_documents.current_period_id, statement_documents.prior_period_id
            )

),

final as (

    select
        -- ids
        cast(statement_documents.company_id as varchar) as company_id,
        cast(statement_documents.document_id as varchar) as document_id,
        cast(document_lines.line_item_id as varchar) as line_item_id,

        -- the document's period
        cast(statement_documents.fiscal_year as integer) as fiscal_year,
        cast(statement_documents.fiscal_period as varchar) as fiscal_period,

        -- line item, as the statement presents it
        cast(coalesce(currents.label, priors.label) as varchar) as label,
        cast(coalesce(currents.presentation_order, priors.presentation_order) as integer)
            as presentation_order,
        cast(coalesce(currents.is_total, priors.is_total) as boolean) as is_total,
        cast(coalesce(currents.unit, priors.unit) as varchar) as unit,

        -- current period
        cast(statement_documents.current_period_start as date) as current_period_start,
        cast(statement_documents.current_period_end as date) as current_period_end,
        cast(currents.value as decimal(38, 6)) as current_period_value,

        -- comparative period
        cast(statement_documents.prior_period_start as date) as prior_period_start,
        cast(statement_documents.prior_period_end as date) as prior_period_end,
        cast(priors.value as decimal(38, 6)) as prior_period_value

    from document_lines
    inner join statement_documents
        on document_lines.document_id = statement_documents.document_id
    left join lines as currents
        on
            statement_documents.company_id = currents.company_id
            and document_lines.line_item_id = currents.line_item_id
            and statement_documents.current_period_id = currents.period_id
    left join lines as priors
        on
            statement_documents.company_id = priors.company_id
            and document_lines.line_item_id = priors.line_item_id
            and statement_documents.prior_period_id = priors.period_id

)

-- a report: stored in the order it is read
select * from final
order by company_id, fiscal_year, fiscal_period, document_id, presentation_order
{% endmacro %}
