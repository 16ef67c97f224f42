{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='document_id',
        on_schema_change='fail'
    )
}}

{#
    One fact per document, line item, segment, period, scenario, forecast status and measure.
    A release prints the same figure several times (thousands of yen in a statement,
    millions in a summary and the narrative, billions in the highlights); the fact keeps the
    most precise printing and counts the others. `printings_agree` says whether every other
    printing equals the kept value rounded to its own precision (narrative printings are
    compared without sign: sentences say "loss of JPY372 million" rather than print -372).
#}

with

-- Incremental by document, as int_figures_mapped: every window and join below is within
-- a document, so a run merges the documents (or parser versions) it has not merged yet.
mapped as (

    select all_mapped.* from {{ ref('int_figures_mapped') }} as all_mapped
    where
        all_mapped.line_item_id is not null
        and all_mapped.value is not null
    {% if is_incremental() %}
        and {{ not_processed_yet('all_mapped') }}
    {% endif %}

),

section_rank as (

    select
        *,
        -- statements first, then summaries, then the narrative, for equal precision
        case
            when section_kind = 'narrative' then 3
            when section_kind in (
                'highlights', 'targets', 'operating_results_summary',
                'financial_position_summary', 'per_share', 'segment_results_summary'
            ) then 2
            else 1
        end as section_priority
    from mapped

),

ranked as (

    select
        *,
        row_number() over (
            partition by
                document_id, line_item_id, segment_id, scenario,
                coalesce(forecast_status, ''), measure, period_type,
                coalesce(period_start, date '1900-01-01'), period_end
            order by decimals desc, section_priority asc, line_number asc, char_start asc
        ) as printing_rank,
        count(*) over (
            partition by
                document_id, line_item_id, segment_id, scenario,
                coalesce(forecast_status, ''), measure, period_type,
                coalesce(period_start, date '1900-01-01'), period_end
        ) as report_count
    from section_rank

),

best as (

    select * from ranked
    where printing_rank = 1

),

agreement as (

    select
        best.figure_id,
        bool_and(
            case
                when other.section_kind = 'narrative'
                    then
                        {{ round_to_decimals('abs(best.value)', 'other.decimals') }}
                        = abs(other.value)
                else {{ round_to_decimals('best.value', 'other.decimals') }} = other.value
            end
        ) as printings_agree,
        string_agg(
            other.figure_id || '=' || other.raw_text, '; ' order by other.figure_id
        ) filter (
            where not (
                case
                    when other.section_kind = 'narrative'
                        then
                            {{ round_to_decimals('abs(best.value)', 'other.decimals') }}
                            = abs(other.value)
                    else {{ round_to_decimals('best.value', 'other.decimals') }} = other.value
                end
            )
        ) as disagreeing_printings
    from best
    inner join ranked as other
        on
            best.document_id = other.document_id
            and best.line_item_id = other.line_item_id
            and best.segment_id = other.segment_id
            and best.scenario = other.scenario
            and coalesce(best.forecast_status, '') = coalesce(other.forecast_status, '')
            and best.measure = other.measure
            and best.period_type = other.period_type
            and coalesce(best.period_start, date '1900-01-01')
            = coalesce(other.period_start, date '1900-01-01')
            and best.period_end = other.period_end
    group by best.figure_id

),

final as (

    select
        best.figure_id,
        best.document_id,
        best.parser_version,
        best.line_item_id,
        best.segment_id,
        best.scenario,
        best.forecast_status,
        best.forecast_announced_on,
        best.measure,
        {{ period_id('best.period_type', 'best.period_start', 'best.period_end') }}
            as period_id,
        best.period_type,
        best.period_start,
        best.period_end,
        best.period_label,
        best.fiscal_year,
        best.unit,
        best.value,
        best.printed_value,
        best.decimals,
        best.item_label as source_label,
        best.section_kind as source_section,
        best.line_number as source_line,
        best.mapping_method,
        best.flags,
        best.report_count,
        agreement.printings_agree,
        agreement.disagreeing_printings
    from best
    inner join agreement on best.figure_id = agreement.figure_id

)

select * from final
