-- New versions: file names $1, document ids $2 and version numbers $3, first loaded at $4
-- (`version` is the raw column's name, keyword or not).
insert into {schema}.document_versions
select
    unnest($1::varchar[]) as file_name,
    unnest($2::varchar[]) as document_id,
    unnest($3::integer[]) as version,  -- noqa: RF04
    $4 as first_loaded_at
