-- Of the files $1 whose contents have the document ids $2, those that loading again would
-- not change: the content is its file name's latest version, read with status $4 (whole)
-- by parser version $3, and the file is not on the withdrawn list (loading it takes it off).
with

incoming as (

    select
        unnest($1::varchar[]) as file_name,
        unnest($2::varchar[]) as document_id

),

latest_versions as (

    select
        file_name,
        arg_max(document_id, version) as document_id
    from {schema}.document_versions
    group by file_name

)

select incoming.file_name
from incoming
inner join latest_versions
    on
        incoming.file_name = latest_versions.file_name
        and incoming.document_id = latest_versions.document_id
inner join {schema}.documents as documents
    on incoming.document_id = documents.document_id
where
    documents.parser_version = $3
    and documents.status = $4
    and incoming.file_name not in (
        select withdrawals.file_name from {schema}.file_withdrawals as withdrawals
    )
order by incoming.file_name
