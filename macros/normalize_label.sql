{#
    The key a printed label is matched on in seeds/line_item_map.csv and segment_map.csv:
    lower case, "(loss)", "(profit)", "(yen)" and "(shares)" qualifiers dropped, runs of
    spaces folded, trailing colons removed. Null stays null.
#}
{% macro normalize_label(expression) -%}
    rtrim(
        trim(
            regexp_replace(
                regexp_replace(lower({{ expression }}), ' ?\((loss|profit|yen|shares)\)', '', 'g'),
                '\s+', ' ', 'g'
            )
        ),
        ':'
    )
{%- endmacro %}
