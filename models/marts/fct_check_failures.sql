{#
    Failed checks, queryable. Two severities:
      - 'blocking': an accounting identity a document's facts break, or a fact out of its
        allowed range (int_check_failures); the document is quarantined (dim_documents.status).
      - 'withheld': a figure the warehouse cannot type (a unit not in seeds/units.csv, an
        unknown measure or period); that figure alone is left out, with the source line and
        the token as printed, and its document publishes the rest.
      - 'unpublished': a figure that is no fact for another reason its row says (a cell cut
        off in the text, a sentence whose amounts cannot be told apart, a value matching
        several line items): listed, so that no printed figure goes missing silently.
#}

with

failures as (

    select * from {{ ref('int_check_failures') }}

),

figures as (

    select * from {{ ref('int_figures_mapped') }}

),

-- a withdrawn document (its files left the folder) has no facts left to check: its
-- failures would claim a quarantine dim_documents no longer reports
withdrawn as (

    select * from {{ ref('int_documents_withdrawn') }}

),

current_failures as (

    select * from failures
    where document_id not in (select withdrawn.document_id from withdrawn)

),

-- figures that are no fact: withheld (the warehouse cannot type them) or unpublished
-- (another reason, in unmapped_reason)
listed as (

    select
        *,
        {{ period_id('period_type', 'period_start', 'period_end') }} as period_id,
        case when withheld_reason is not null then 'withheld' else 'unpublished' end
            as severity,
        coalesce(withheld_reason, unmapped_reason) as why
    from figures
    where
        (withheld_reason is not null or line_item_id is null)
        and document_id not in (select withdrawn.document_id from withdrawn)

),

final as (

    select
        -- ids
        md5(
            concat_ws(
                '|', document_id, check_name, period_id, segment_id, scenario,
                coalesce(forecast_status, ''), coalesce(figure_id, '')
            )
        ) as check_failure_id,
        document_id,
        period_id,
        segment_id,
        figure_id,

        -- strings
        check_name,
        check_kind,
        'blocking' as severity,
        scenario,
        forecast_status,
        cast(null as varchar) as printed_token,
        reason,

        -- numerics
        cast(difference as decimal(38, 6)) as difference,
        cast(tolerance as decimal(38, 6)) as tolerance,
        cast(source_line as integer) as source_line

    from current_failures

    union all

    select
        md5(concat_ws('|', document_id, severity, figure_id)) as check_failure_id,
        document_id,
        period_id,
        segment_id,
        figure_id,
        coalesce(withheld_code, 'figure_not_published') as check_name,
        case
            when severity = 'withheld' then 'figure_withheld' else 'figure_unpublished'
        end as check_kind,
        severity,
        scenario,
        forecast_status,
        raw_text as printed_token,
        case when severity = 'withheld' then 'withheld ' else '' end
        || '"' || raw_text || '" (' || coalesce(item_label, '') || ') on line '
        || cast(line_number as varchar)
        || case when severity = 'withheld' then ': ' else ' is not published: ' end
        || why as reason,
        cast(null as decimal(38, 6)) as difference,
        cast(null as decimal(38, 6)) as tolerance,
        cast(line_number as integer) as source_line
    from listed

)

select * from final
