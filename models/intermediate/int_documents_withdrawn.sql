{#
    Documents withdrawn from the warehouse: those none of whose file names is left in the
    disclosures folder (stg_raw__file_withdrawals). A content that left under one name but
    is still in the folder under another stays. fct_financial_facts leaves the facts of
    these documents out, and removes those an earlier run published; fct_check_failures
    leaves out their failures. dim_documents says 'withdrawn' on each row of a withdrawn
    file name.
#}

with

document_versions as (

    select * from {{ ref('stg_raw__document_versions') }}

),

file_withdrawals as (

    select * from {{ ref('stg_raw__file_withdrawals') }}

),

final as (

    select
        document_versions.document_id,
        max(file_withdrawals.withdrawn_at) as withdrawn_at
    from document_versions
    left join file_withdrawals on document_versions.file_name = file_withdrawals.file_name
    group by document_versions.document_id
    having count(file_withdrawals.file_name) = count(*)

)

select * from final
