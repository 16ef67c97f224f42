{#
    Post-hook of fct_financial_facts: mark, for each company, line item, segment, period,
    scenario, forecast status and measure, the row of the most recently published document
    as the latest. Runs over the whole table because a new document changes older rows.
#}
{% macro refresh_is_latest(relation) -%}
    update {{ relation }}
    set is_latest = ranked.latest_rank = 1
    from (
        select
            fact_id,
            row_number() over (
                partition by
                    company_id, line_item_id, segment_id, scenario,
                    coalesce(forecast_status, ''), measure, period_id
                order by published_on desc nulls last, document_id desc
            ) as latest_rank
        from {{ relation }}
    ) as ranked
    where {{ relation }}.fact_id = ranked.fact_id
{%- endmacro %}
