-- What the models read from the raw layer, as one hash: every document row (its content's
-- id, its outcome and the extractor that read it, which together decide its figures, tokens
-- and issues), every file's versions, the withdrawn files and the folder. Equal hashes, same
-- raw layer for the models; the moment a document was last written is not in the raw layer.
with

parts as (

    select
        1 as part,
        string_agg(cast(documents as varchar), chr(10) order by documents.document_id) as part_rows
    from {schema}.documents as documents

    union all

    select
        2 as part,
        string_agg(
            cast(versions as varchar), chr(10) order by versions.file_name, versions.version
        ) as part_rows
    from {schema}.document_versions as versions

    union all

    select
        3 as part,
        string_agg(
            cast(withdrawals as varchar), chr(10) order by withdrawals.file_name
        ) as part_rows
    from {schema}.file_withdrawals as withdrawals

    union all

    select
        4 as part,
        string_agg(cast(folders as varchar), chr(10) order by folders.folder) as part_rows
    from {schema}.source_folder as folders

)

select sha256(string_agg(coalesce(parts.part_rows, ''), chr(0) order by parts.part)) as raw_state
from parts
