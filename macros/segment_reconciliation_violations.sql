{#
    Rows that break segments + adjustments = consolidated, for revenue and operating profit:
    the reportable segments (segment_type 'reportable_segment') and the adjustments and
    eliminations add up to the consolidated amount, per document, period, scenario and
    forecast status where the consolidated amount and every reportable segment of the
    document's company were reported (a revenue line that shares a segment's name, such as
    IIJ's ATM operation business in a three-month statement, is not a segment table).
    Adjustments are optional: a release omits a nil column. The tolerance is the rounding
    the printed precision allows, as in identity_violations: half a unit of the last printed
    digit per term, at the coarsest term's precision (a summary adds up figures rounded to
    its own unit). Reported on the 'consolidated' segment, in the columns of
    identity_violations.

    `facts_relation` needs the columns of int_facts_merged plus `company_id` (the marts'
    fct_financial_facts has it; int_identity_failures adds it from the document);
    `segments_relation` the columns segment_id, company_id and segment_type of
    seeds/segments.csv. Used by int_identity_failures (quarantine) and by the singular test
    assert_segments_reconcile_to_consolidated on the marts.
#}
{% macro segment_reconciliation_violations(facts_relation=none, segments_relation=none) %}
with

facts as (

    select * from {{ facts_relation if facts_relation is not none else ref('fct_financial_facts') }}
    where
        measure = 'value'
        and line_item_id in ('revenue', 'operating_profit')

),

segments as (

    select * from {{ segments_relation if segments_relation is not none else ref('dim_segments') }}

),

company_segment_counts as (

    select
        company_id,
        count(*) as segment_count
    from segments
    where segment_type = 'reportable_segment'
    group by company_id

),

terms as (

    select
        facts.document_id,
        facts.company_id,
        facts.period_id,
        facts.line_item_id,
        facts.scenario,
        facts.forecast_status,
        facts.value,
        facts.decimals,
        segments.segment_type,
        case segments.segment_type when 'consolidated' then 1 else -1 end as weight
    from facts
    inner join segments on facts.segment_id = segments.segment_id
    where segments.segment_type in ('consolidated', 'reportable_segment', 'adjustment')

),

evaluated as (

    select
        document_id,
        company_id,
        period_id,
        line_item_id,
        scenario,
        forecast_status,
        'segments_plus_adjustments_equal_consolidated_' || line_item_id as identity_name,
        sum(value * weight) as difference,
        count(*) * power(10, -min(decimals)) / 2 as tolerance,
        count(*) filter (where segment_type = 'consolidated') as consolidated_count,
        count(*) filter (where segment_type = 'reportable_segment') as segment_count
    from terms
    group by document_id, company_id, period_id, line_item_id, scenario, forecast_status

),

final as (

    select
        evaluated.document_id,
        evaluated.period_id,
        'consolidated' as segment_id,
        evaluated.scenario,
        evaluated.forecast_status,
        evaluated.identity_name,
        evaluated.difference,
        evaluated.tolerance
    from evaluated
    inner join company_segment_counts
        on
            evaluated.company_id = company_segment_counts.company_id
            and evaluated.segment_count = company_segment_counts.segment_count
    where
        evaluated.consolidated_count = 1
        and abs(evaluated.difference) > evaluated.tolerance

)

select * from final
{% endmacro %}
