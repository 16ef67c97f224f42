{#
    Every instance of every accounting identity on the published facts, whether it holds or
    not: the same macro (macros/accounting_identities.sql) that quarantines a document before
    its facts reach the marts (int_identity_failures), run on the marts. The Great
    Expectations suites `identity.<identity_name>` read it: a row beyond its tolerance fails
    the blocking check. It holds by construction, and guards the marts against a change that
    would let a broken document through.
#}

with

identities as (

    {{ accounting_identities(ref('fct_financial_facts'), ref('dim_segments')) }}

),

final as (

    select
        -- ids
        identity_name,
        document_id,
        period_id,
        segment_id,
        scenario,
        forecast_status,

        -- strings
        line_items,

        -- numerics
        cast(difference as double) as difference,
        cast(tolerance as double) as tolerance,
        abs(cast(difference as double)) - cast(tolerance as double) as excess,

        -- booleans
        is_within_tolerance

    from identities

)

select * from final
