{#
    A list of dbt_project.yml's vars as the items of a SQL `in (...)`:
    `measure not in ({{ sql_list(var('measures')) }})` renders
    `measure not in ('value', 'change', 'change_percent', 'ratio')`. A contract's check
    expression in YAML cannot call a macro (dbt renders it before macros are known), so it
    writes the same with a filter: `measure in ('{{ var("measures") | join("', '") }}')`.
#}
{% macro sql_list(values) -%}
    {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}
