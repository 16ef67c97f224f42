-- Each latest document of the published warehouse: its status and how many facts it published.
select
    documents.file_name,
    documents.document_id,
    documents.status,
    documents.status_reason,
    count(facts.fact_id) as fact_count
from marts.dim_documents as documents
left join marts.fct_financial_facts as facts
    on documents.document_id = facts.document_id
where documents.is_latest_version
group by all
order by documents.file_name
