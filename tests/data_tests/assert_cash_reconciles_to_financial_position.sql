{#
    Cash and cash equivalents at the start of a period + the net change the statement of
    cash flows reports for the period = cash and cash equivalents at its end. The opening
    balance is the instant the day before the period starts (the previous fiscal year end).
    Evaluated per document where all three were reported; the tolerance is three halves of
    a unit of the coarsest printing, as in macros/identity_violations.sql.
#}

with

facts as (

    select * from {{ ref('fct_financial_facts') }}
    where
        measure = 'value'
        and scenario = 'actual'
        and segment_id = 'consolidated'
        and line_item_id in ('cash_and_cash_equivalents', 'net_change_in_cash')

),

changes as (

    select * from facts
    where line_item_id = 'net_change_in_cash'

),

balances as (

    select * from facts
    where line_item_id = 'cash_and_cash_equivalents'

),

final as (

    select
        changes.document_id,
        changes.period_id,
        'opening_cash_plus_net_change_equals_closing_cash' as identity_name,
        opening.value + changes.value - closing.value as difference,
        3 * power(10, -least(opening.decimals, changes.decimals, closing.decimals)) / 2
            as tolerance
    from changes
    inner join balances as opening
        on
            changes.document_id = opening.document_id
            and opening.period_end
            = cast({{ dbt.dateadd('day', -1, 'changes.period_start') }} as date)
    inner join balances as closing
        on
            changes.document_id = closing.document_id
            and changes.period_end = closing.period_end

)

select * from final
where abs(difference) > tolerance
