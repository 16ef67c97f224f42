select
    document_id,
    company_id,
    file_name,
    version_number,
    coalesce(is_latest_version, false) as is_latest_version,
    title,
    published_on,
    period_start,
    period_end,
    fiscal_year,
    fiscal_period,
    status,
    status_reason,
    figure_count,
    unparsed_token_count
from marts.dim_documents
order by published_on, file_name, version_number
