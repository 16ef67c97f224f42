{#
    Every instance of every accounting identity in `facts_relation`: one row per identity,
    document, period, segment, scenario and forecast status where all its terms were
    reported, with the weighted sum of its terms (`difference`, zero when it holds), the
    rounding its printed precision allows (`tolerance`) and whether it holds within that
    (`is_within_tolerance`). The identities are the rows of seeds/accounting_identities.csv;
    each is evaluated by the macro its `evaluation` names: weighted_sum_identities (terms and
    weights in seeds/accounting_identity_terms.csv), segment_reconciliations and
    cash_roll_forwards. `line_items` lists the terms and their values, for messages.

    The one definition of the identities: int_identity_failures runs it on every document's
    facts to quarantine the documents that break one, and models/audit/
    audit_accounting_identities on the marts, which the Great Expectations suites validate.
    `facts_relation` needs the columns of int_facts_merged plus `company_id`;
    `segments_relation` the columns segment_id, company_id and segment_type of
    seeds/segments.csv.
#}
{% macro accounting_identities(facts_relation, segments_relation) %}
with

weighted_sums as (

    {{ weighted_sum_identities(facts_relation) }}

),

segment_reconciliations as (

    {{ segment_reconciliations(facts_relation, segments_relation) }}

),

cash_roll_forwards as (

    {{ cash_roll_forwards(facts_relation) }}

),

evaluated as (

    select * from weighted_sums
    union all
    select * from segment_reconciliations
    union all
    select * from cash_roll_forwards

),

final as (

    select
        identity_name,
        document_id,
        period_id,
        segment_id,
        scenario,
        forecast_status,
        line_items,
        difference,
        tolerance,
        abs(difference) <= tolerance as is_within_tolerance
    from evaluated

)

select * from final
{% endmacro %}


{#
    The rounding an identity's printed precision allows: half a unit of the last printed
    digit per term, at the coarsest term's precision (`coarsest_decimals`: the least XBRL
    decimals among the terms). A subtotal printed only in millions (a summary's gross profit per service
    line) was added up from figures rounded to millions, so each term may be off by half a
    million there even where a statement printed it to the thousand.
#}
{% macro identity_tolerance(term_count, coarsest_decimals) -%}
    {{ term_count }} * power(10, -{{ coarsest_decimals }}) / 2
{%- endmacro %}


{#
    One term of an identity as a message lists it: `revenue = 1,234,000,000` (amounts to
    the unit, with thousands separators; a term printed with decimals as printed). A bigint,
    not a hugeint: DuckDB 1.1 (an older client of the published views) formats only the
    former with separators, and a quintillion yen is out of any release's range.
#}
{% macro identity_term(label, value, decimals) -%}
    {{ label }} || ' = ' || case
        when {{ decimals }} > 0 then cast(cast({{ value }} as double) as varchar)
        else format('{:,}', cast(round({{ value }}) as bigint))
    end
{%- endmacro %}
