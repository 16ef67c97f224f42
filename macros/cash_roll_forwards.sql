{#
    Opening cash + net change = closing cash (evaluation 'cash_roll_forward' in
    seeds/accounting_identities.csv): cash and cash equivalents at the start of a period +
    the net change the statement of cash flows reports for the period (+ cash gained or
    lost by a change in the scope of consolidation, where printed) = cash and cash
    equivalents at its end. The opening balance is the instant the day before the period
    starts (the previous fiscal year end). Evaluated per document, segment, scenario and
    forecast status where all three were reported, on the period of the net change; the
    tolerance is identity_tolerance of the three (the optional scope change is not counted).
    Columns of accounting_identities.
#}
{% macro cash_roll_forwards(facts_relation) %}
with

facts as (

    select * from {{ facts_relation }}
    where
        measure = 'value'
        and line_item_id in (
            'cash_and_cash_equivalents', 'net_change_in_cash', 'cash_change_from_consolidation_scope'
        )

),

identities as (

    select * from {{ ref('accounting_identities') }}
    where evaluation = 'cash_roll_forward'

),

scope_changes as (

    select
        document_id, segment_id, scenario, forecast_status, period_start, period_end,
        sum(value) as value,
        min(decimals) as decimals
    from facts
    where line_item_id = 'cash_change_from_consolidation_scope' and period_type = 'duration'
    group by document_id, segment_id, scenario, forecast_status, period_start, period_end

),

changes as (

    select * from facts
    where line_item_id = 'net_change_in_cash' and period_type = 'duration'

),

balances as (

    select * from facts
    where line_item_id = 'cash_and_cash_equivalents' and period_type = 'instant'

),

evaluated as (

    select
        identities.identity_name,
        changes.document_id,
        changes.period_id,
        changes.segment_id,
        changes.scenario,
        changes.forecast_status,
        -- the terms in the order of the other identities' lists: added ones, then subtracted
        {{ identity_term(
            "'cash_and_cash_equivalents (opening, ' || opening.period_id || ')'",
            'opening.value', 'opening.decimals'
        ) }}
        || coalesce('; ' || {{ identity_term(
            "'cash_change_from_consolidation_scope'",
            'scope_changes.value', 'scope_changes.decimals'
        ) }}, '')
        || '; ' || {{ identity_term(
            "'net_change_in_cash'", 'changes.value', 'changes.decimals'
        ) }}
        || '; ' || {{ identity_term(
            "'cash_and_cash_equivalents (closing, ' || closing.period_id || ')'",
            'closing.value', 'closing.decimals'
        ) }} as line_items,
        opening.value + changes.value + coalesce(scope_changes.value, 0) - closing.value
            as difference,
        {{ identity_tolerance(
            3, 'least(opening.decimals, changes.decimals, closing.decimals)'
        ) }} as tolerance
    from changes
    cross join identities
    inner join balances as opening
        on
            changes.document_id = opening.document_id
            and changes.segment_id = opening.segment_id
            and changes.scenario = opening.scenario
            and changes.forecast_status is not distinct from opening.forecast_status
            and opening.period_end
            = cast({{ dbt.dateadd('day', -1, 'changes.period_start') }} as date)
    inner join balances as closing
        on
            changes.document_id = closing.document_id
            and changes.segment_id = closing.segment_id
            and changes.scenario = closing.scenario
            and changes.forecast_status is not distinct from closing.forecast_status
            and changes.period_end = closing.period_end
    left join scope_changes
        on
            changes.document_id = scope_changes.document_id
            and changes.segment_id = scope_changes.segment_id
            and changes.scenario = scope_changes.scenario
            and changes.forecast_status is not distinct from scope_changes.forecast_status
            and changes.period_start = scope_changes.period_start
            and changes.period_end = scope_changes.period_end

),

final as (

    select
        identity_name,
        document_id,
        period_id,
        segment_id,
        scenario,
        forecast_status,
        line_items,
        difference,
        tolerance
    from evaluated

)

select * from final
{% endmacro %}
