-- Documents the published warehouse holds back, with the reason.
select
    file_name,
    status_reason
from marts.dim_documents
where status = 'quarantined'
order by file_name
