{#
    A company's id: '<exchange>-<stock code>' in lower case with every other character run
    turned into '-' ('tse-3774'), or the company name in the same form when no code is known.
    Called once, by stg_raw__documents: every later model selects or joins its company_id.
#}
{% macro company_id(exchange, stock_code, company_name) -%}
    case
        when {{ stock_code }} is not null
            then
                regexp_replace(
                    lower(coalesce({{ exchange }}, 'unknown') || '-' || {{ stock_code }}),
                    '[^a-z0-9]+', '-', 'g'
                )
        else trim(regexp_replace(lower({{ company_name }}), '[^a-z0-9]+', '-', 'g'), '-')
    end
{%- endmacro %}
