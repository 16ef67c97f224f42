{#
    The part of an extension id made of a normalized label (macros/normalize_label.sql):
    every run of characters other than a-z and 0-9 becomes '_', none at either end
    ('Internet connectivity services (enterprise)' -> 'internet_connectivity_services_enterprise').
#}
{% macro extension_slug(normalized_label) -%}
    trim(regexp_replace({{ normalized_label }}, '[^a-z0-9]+', '_', 'g'), '_')
{%- endmacro %}
