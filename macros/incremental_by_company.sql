{#
    A model incremental by company: each build replaces the rows of the companies whose rows
    would differ from the table's, and leaves every other company's rows as they are. What a
    company's rows are depends on nothing but that company's inputs (every window and join
    of such a model is within a company), so the table is what a full rebuild gives.

    The model's pre-hook, delete_companies_whose_rows_differ(current), deletes the rows of
    each company whose rows of `current` (the rows the model would build, before any
    column computed from them) differ from the table's, and logs which (dbt.log of the run,
    at info); the model's select then builds only
    the companies the table does not have (only_companies_not_in_this), which are those,
    and new ones. A company whose rows are all gone (its documents withdrawn) is deleted
    and not built again. Rows are compared by company as a sum of 64-bit hashes of each
    row and a count: a company whose rows changed is taken for unchanged only if both sums
    agree (odds about 1 in 10^19 per change). Every input counts: a row loaded again with
    another value, parser version or date makes its company differ.
#}

{#
    For each company of `source` (a relation, or a query in parentheses), the sum of the
    hashes of its rows over `columns`, and how many rows it has.
#}
{% macro company_row_hashes(source, columns) %}
    select
        company_id,
        sum(hash({{ columns | join(', ') }})) as row_hash,
        count(*) as row_count
    from {{ source }} as company_rows
    group by company_id
{% endmacro %}

{#
    The companies whose rows of `current` (a query) differ from this table's over `columns`,
    in order.
#}
{% macro companies_whose_rows_differ(current, columns) %}
    select coalesce(now_rows.company_id, built_rows.company_id) as company_id
    from ({{ company_row_hashes('(' ~ current ~ ')', columns) }}) as now_rows
    full outer join ({{ company_row_hashes(this, columns) }}) as built_rows
        on now_rows.company_id is not distinct from built_rows.company_id
    where
        now_rows.row_hash is distinct from built_rows.row_hash
        or now_rows.row_count is distinct from built_rows.row_count
    order by company_id
{% endmacro %}

{#
    Pre-hook: delete from this table the rows of each company whose rows of `current` (a
    query) differ from the table's, over the table's columns but `exclude` (those the
    model computes from the others), and say in dbt's log how many (and which, up to 20).
    Nothing on a model's first build or a full refresh.
#}
{% macro delete_companies_whose_rows_differ(current, exclude=[]) %}
    {%- if execute and is_incremental() -%}
        {%- set columns = adapter.get_columns_in_relation(this)
            | map(attribute='name') | reject('in', exclude) | list -%}
        {%- set companies = run_query(companies_whose_rows_differ(current, columns))
            .columns[0].values() | list -%}
        {%- set named = companies | reject('none') | list -%}
        {%- do log(
            this.identifier ~ ': ' ~ companies | length ~ ' compan'
            ~ ('y' if companies | length == 1 else 'ies') ~ ' to build again'
            ~ (': ' ~ companies | join(', ') if 0 < companies | length <= 20 else ''),
            info=True
        ) -%}
        {%- if companies -%}
            delete from {{ this }}
            where
                {% if named %}company_id in ({{ sql_list(named) }}){% else %}false{% endif %}
                {% if none in companies %}or company_id is null{% endif %}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#
    The model's filter of its rows `alias`: on an incremental build, the companies this table
    does not have (after the pre-hook, those to build again, and new ones).
#}
{% macro only_companies_not_in_this(alias) %}
    {%- if is_incremental() -%}
        where not exists (
            select 1 from {{ this }} as built
            where built.company_id is not distinct from {{ alias }}.company_id
        )
    {%- endif -%}
{% endmacro %}
