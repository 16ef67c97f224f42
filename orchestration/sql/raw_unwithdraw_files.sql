-- Take the file names $1, loaded again, off the list of files that left the folder.
delete from {schema}.file_withdrawals
where file_name in (select unnest($1::varchar[]))
