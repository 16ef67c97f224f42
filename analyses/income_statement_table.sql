{#
    A statement as a table: the statement of profit or loss of each company's most recently
    published release, line items in presentation order with totals marked, the period the
    release reports against the same period a year earlier, and the change. The latest
    release may be a short one (highlights only): its statement has only the lines it prints.
#}

with

statement_lines as (

    select * from {{ ref('rpt_income_statement') }}

),

documents as (

    select * from {{ ref('dim_documents') }}

),

latest_documents as (

    select
        documents.company_id,
        documents.document_id,
        row_number() over (
            partition by documents.company_id
            order by documents.published_on desc, documents.document_id asc
        ) as recency
    from documents
    where documents.document_id in (select statement_lines.document_id from statement_lines)

),

final as (

    select
        -- ids
        statement_lines.company_id,
        statement_lines.document_id,
        statement_lines.line_item_id,

        -- strings
        statement_lines.label,
        statement_lines.fiscal_period,
        statement_lines.unit,

        -- numerics
        statement_lines.fiscal_year,
        statement_lines.presentation_order,
        statement_lines.current_period_value,
        statement_lines.prior_period_value,
        statement_lines.current_period_value - statement_lines.prior_period_value as change_amount,
        case
            when statement_lines.prior_period_value != 0
                then cast(round(
                    (statement_lines.current_period_value - statement_lines.prior_period_value)
                    / abs(statement_lines.prior_period_value) * 100,
                    6
                ) as decimal(38, 6))
        end as change_percent,

        -- booleans
        statement_lines.is_total,

        -- dates
        statement_lines.current_period_start,
        statement_lines.current_period_end,
        statement_lines.prior_period_start,
        statement_lines.prior_period_end

    from statement_lines
    inner join latest_documents
        on
            statement_lines.document_id = latest_documents.document_id
            and latest_documents.recency = 1
    order by
        statement_lines.company_id,
        statement_lines.presentation_order

)

select * from final
