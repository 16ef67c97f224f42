-- (file name, SHA-256) of the latest documents the published warehouse holds, withdrawn files
-- left out: the sensor launches no run for content already published.
select
    file_name,
    sha256
from marts.dim_documents
where is_latest_version and status != 'withdrawn'
