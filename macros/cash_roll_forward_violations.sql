{#
    Rows that break opening cash + net change = closing cash: cash and cash equivalents at
    the start of a period + the net change the statement of cash flows reports for the
    period (+ cash gained or lost by a change in the scope of consolidation, where printed)
    = cash and cash equivalents at its end. The opening balance is the instant the day
    before the period starts (the previous fiscal year end). Evaluated per document, segment,
    scenario and forecast status where all three were reported, on the period of the net
    change; the tolerance is three halves of a unit of the coarsest printing, as in
    identity_violations. Same columns as identity_violations.

    `facts_relation` needs the columns of int_facts_merged. Used by int_identity_failures
    (quarantine) and by the singular test assert_cash_reconciles_to_financial_position on
    the marts.
#}
{% macro cash_roll_forward_violations(facts_relation=none) %}
with

facts as (

    select * from {{ facts_relation if facts_relation is not none else ref('fct_financial_facts') }}
    where
        measure = 'value'
        and line_item_id in (
            'cash_and_cash_equivalents', 'net_change_in_cash', 'cash_change_from_consolidation_scope'
        )

),

scope_changes as (

    select
        document_id, segment_id, scenario, forecast_status, period_start, period_end,
        sum(value) as value
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
        changes.document_id,
        changes.period_id,
        changes.segment_id,
        changes.scenario,
        changes.forecast_status,
        'opening_cash_plus_net_change_equals_closing_cash' as identity_name,
        opening.value + changes.value + coalesce(scope_changes.value, 0) - closing.value
            as difference,
        3 * power(10, -least(opening.decimals, changes.decimals, closing.decimals)) / 2
            as tolerance
    from changes
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

    select * from evaluated
    where abs(difference) > tolerance

)

select * from final
{% endmacro %}
