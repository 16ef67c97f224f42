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

withheld as (

    select * from figures
    where withheld_reason is not null

),

unpublished as (

    select * from figures
    where withheld_reason is null and line_item_id is null

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

    from failures

    union all

    select
        md5(concat_ws('|', document_id, 'withheld', figure_id)) as check_failure_id,
        document_id,
        case
            when period_type = 'instant' then 'I' || cast(period_end as varchar)
            when period_start is not null and period_end is not null
                then
                    'D' || cast(period_start as varchar) || '_'
                    || cast(period_end as varchar)
        end as period_id,
        segment_id,
        figure_id,
        withheld_code as check_name,
        'figure_withheld' as check_kind,
        'withheld' as severity,
        scenario,
        forecast_status,
        raw_text as printed_token,
        'withheld "' || raw_text || '" (' || coalesce(item_label, '') || ') on line '
        || cast(line_number as varchar) || ': ' || withheld_reason as reason,
        cast(null as decimal(38, 6)) as difference,
        cast(null as decimal(38, 6)) as tolerance,
        cast(line_number as integer) as source_line
    from withheld

    union all

    select
        md5(concat_ws('|', document_id, 'unpublished', figure_id)) as check_failure_id,
        document_id,
        case
            when period_type = 'instant' then 'I' || cast(period_end as varchar)
            when period_start is not null and period_end is not null
                then
                    'D' || cast(period_start as varchar) || '_'
                    || cast(period_end as varchar)
        end as period_id,
        segment_id,
        figure_id,
        'figure_not_published' as check_name,
        'figure_unpublished' as check_kind,
        'unpublished' as severity,
        scenario,
        forecast_status,
        raw_text as printed_token,
        '"' || raw_text || '" (' || coalesce(item_label, '') || ') on line '
        || cast(line_number as varchar) || ' is not published: ' || unmapped_reason as reason,
        cast(null as decimal(38, 6)) as difference,
        cast(null as decimal(38, 6)) as tolerance,
        cast(line_number as integer) as source_line
    from unpublished

)

select * from final
