-- Delete the rows of the documents $1 from one raw table, before they are inserted again.
delete from {schema}.{table}
where document_id in (select unnest($1::varchar[]))
