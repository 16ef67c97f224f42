{#
    Use a model's configured schema as is (staging, intermediate, marts) instead of dbt's
    default "<target schema>_<custom schema>", so the warehouse's schemas read the same in
    every environment. Models without a custom schema land in the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
