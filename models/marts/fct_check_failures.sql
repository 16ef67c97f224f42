{#
    Failed checks, queryable: every accounting identity a document's facts break, with the
    period, segment, the difference and the tolerance the printed precision allowed. The
    documents listed here are quarantined (dim_documents.status).
#}

with

failures as (

    select * from {{ ref('int_identity_failures') }}

),

final as (

    select
        -- ids
        md5(
            concat_ws(
                '|', document_id, identity_name, period_id, segment_id, scenario,
                coalesce(forecast_status, '')
            )
        ) as check_failure_id,
        document_id,
        period_id,
        segment_id,

        -- strings
        identity_name as check_name,
        'accounting_identity' as check_kind,
        'blocking' as severity,
        scenario,
        forecast_status,

        -- numerics
        cast(difference as decimal(38, 6)) as difference,
        cast(tolerance as decimal(38, 6)) as tolerance

    from failures

)

select * from final
