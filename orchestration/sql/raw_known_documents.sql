-- Which of the document ids $1 the raw layer already holds.
select document_id
from {schema}.documents
where document_id in (select unnest($1::varchar[]))
