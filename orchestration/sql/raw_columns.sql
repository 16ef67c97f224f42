-- The columns of one table of the raw schema, in order: $1 the schema, $2 the table.
select column_name
from information_schema.columns
where table_schema = $1 and table_name = $2
order by ordinal_position
