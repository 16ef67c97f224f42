{#
    Every check a document's facts fail before they reach the marts, one row per failure:
    the accounting identities (int_identity_failures) and the allowed values and ranges of
    each fact (a printed precision outside the plausible range, a percentage beyond
    +-percent_limit, a period that ends before it starts). Each row belongs to one
    document, and that document is quarantined: fct_financial_facts leaves its facts out,
    dim_documents says why, marts.fct_check_failures lists the rows. A figure that cannot
    be typed at all (its unit, measure or period) is not here: it is withheld alone
    (int_figures_mapped.withheld_reason) and its document publishes the rest.
#}

with

identity_failures as (

    select * from {{ ref('int_identity_failures') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

merged_facts as (

    select * from {{ ref('int_facts_merged') }}

),

value_failures as (

    select
        document_id,
        period_id,
        segment_id,
        scenario,
        forecast_status,
        line_item_id,
        figure_id,
        source_line,
        case
            when decimals < {{ var('decimals_min') }} or decimals > {{ var('decimals_max') }}
                then 'decimals_in_range'
            when unit = 'percent' and abs(value) > {{ var('percent_limit') }}
                then 'percent_in_range'
            when period_start > period_end then 'period_starts_before_it_ends'
        end as check_name,
        case
            when decimals < {{ var('decimals_min') }} or decimals > {{ var('decimals_max') }}
                then
                    'printed precision ' || cast(decimals as varchar) || ' is outside '
                    || '{{ var("decimals_min") }}..{{ var("decimals_max") }}: a misread scale'
            when unit = 'percent' and abs(value) > {{ var('percent_limit') }}
                then
                    cast(value as varchar) || ' % is beyond +-{{ var("percent_limit") }} %: '
                    || 'a misread scale or base'
            when period_start > period_end then 'the period ends before it starts'
        end as detail,
        value
    from merged_facts
    where
        decimals < {{ var('decimals_min') }}
        or decimals > {{ var('decimals_max') }}
        or (unit = 'percent' and abs(value) > {{ var('percent_limit') }})
        or period_start > period_end

),

final as (

    select
        identity_failures.document_id,
        identity_failures.period_id,
        identity_failures.segment_id,
        identity_failures.scenario,
        identity_failures.forecast_status,
        identity_failures.identity_name as check_name,
        'accounting_identity' as check_kind,
        cast(null as varchar) as line_item_id,
        cast(null as varchar) as figure_id,
        cast(null as integer) as source_line,
        identity_failures.identity_name || ' for ' || identity_failures.period_id || ' ('
        || identity_failures.segment_id || ', ' || identity_failures.scenario
        || '): off by ' || cast(cast(identity_failures.difference as decimal(38, 0)) as varchar)
        -- the amounts are in base units of the document's currency
        || ' '
        || case
            when coalesce(documents.currency, 'JPY') = 'JPY' then 'yen' else documents.currency
        end
        || ', ' || cast(cast(identity_failures.tolerance as decimal(38, 0)) as varchar)
        || ' allowed by the printed precision' as reason,
        identity_failures.difference,
        identity_failures.tolerance
    from identity_failures
    left join documents on identity_failures.document_id = documents.document_id

    union all

    select
        document_id,
        period_id,
        segment_id,
        scenario,
        forecast_status,
        check_name,
        'value_range' as check_kind,
        line_item_id,
        figure_id,
        source_line,
        check_name || ': ' || line_item_id || ' for ' || period_id || ' (' || segment_id
        || ', ' || scenario || ') on line ' || cast(source_line as varchar) || ', ' || detail
            as reason,
        value as difference,
        cast(null as decimal(38, 6)) as tolerance
    from value_failures

)

select * from final
