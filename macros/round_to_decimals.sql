{#
    `value` rounded to `decimals` places (XBRL decimals: -6 rounds to millions), for a
    precision that varies by row; DuckDB's round() wants a constant. Half away from zero,
    as releases round. Exact for amounts below 2^53 in the unit of the rounding.
#}
{% macro round_to_decimals(value, decimals) -%}
    cast(
        round(cast({{ value }} as double) * power(10, {{ decimals }}))
        / power(10, {{ decimals }}) as decimal(38, 6)
    )
{%- endmacro %}
