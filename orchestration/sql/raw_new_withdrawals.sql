-- File names loaded before that are neither in the folder now ($1) nor withdrawn already.
select distinct versions.file_name
from {schema}.document_versions as versions
where
    versions.file_name not in (select unnest($1::varchar[]))
    and versions.file_name not in (
        select withdrawals.file_name from {schema}.file_withdrawals as withdrawals
    )
order by versions.file_name
