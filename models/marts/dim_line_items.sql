with

line_items as (

    select * from {{ ref('line_items') }}

),

final as (

    select
        -- ids
        line_item_id,
        parent_line_item_id,

        -- strings
        label,
        statement,
        ifrs_concept,
        balance,
        sign_rule,
        period_type,
        unit_kind,
        description,

        -- numerics
        weight,
        presentation_order,

        -- booleans
        is_total

    from line_items

)

select * from final
