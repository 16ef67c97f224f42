-- The versions already numbered for the file names $1.
select
    file_name,
    document_id,
    version
from {schema}.document_versions
where file_name in (select unnest($1::varchar[]))
