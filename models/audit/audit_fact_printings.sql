{#
    Every merged fact and whether its printings agree: the same figure printed at several
    precisions must agree after rounding (109,053,887 thousand yen, JPY109,054 million,
    JPY109.1 billion). int_facts_merged decides it (printings_agree) when it keeps the most
    precise printing. The Great Expectations suite `printings_agree` reads it and warns: a
    release can contradict itself (IIJ's 1H21 release prints ATM revenue as 1,408,460
    thousand yen in its statement and as 1,409 million in its summary and narrative, where
    rounding gives 1,408), and the warehouse keeps the statement's figure and lists the
    others.
#}

with

merged_facts as (

    select * from {{ ref('int_facts_merged') }}

),

final as (

    select
        -- ids
        document_id,
        line_item_id,
        segment_id,
        period_id,

        -- strings
        scenario,
        measure,
        disagreeing_printings,

        -- numerics
        cast(value as double) as value,
        decimals,

        -- dates
        period_end,

        -- booleans
        printings_agree

    from merged_facts

)

select * from final
