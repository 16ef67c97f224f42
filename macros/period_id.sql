{#
    A period's id, the key of dim_periods: 'I<end>' for an instant ('I2021-09-30'),
    'D<start>_<end>' for a duration ('D2021-04-01_2021-09-30'). Null when a date it needs
    is null. `period_type` is the column that says which ('instant' or 'duration'), or none
    where the arguments do: no start is an instant, a start a duration.
#}
{% macro period_id(period_type, period_start, period_end) -%}
    {%- set instant_id -%}
        'I' || cast({{ period_end }} as varchar)
    {%- endset -%}
    {%- set duration_id -%}
        'D' || cast({{ period_start }} as varchar) || '_' || cast({{ period_end }} as varchar)
    {%- endset -%}
    {%- if period_type is not none -%}
        case when {{ period_type }} = 'instant' then {{ instant_id }} else {{ duration_id }} end
    {%- elif period_start is none -%}
        {{ instant_id }}
    {%- else -%}
        {{ duration_id }}
    {%- endif -%}
{%- endmacro %}
