{{ config(severity='warn') }}

{#
    The same figure printed at several precisions must agree after rounding (109,053,887
    thousand yen, JPY109,054 million, JPY109.1 billion). A warning, not an error: a release
    can contradict itself (IIJ's 1H21 release prints ATM revenue as 1,408,460 thousand yen
    in its statement and as 1,409 million in its summary and narrative, where rounding gives
    1,408), and the warehouse keeps the statement's figure and lists the others here.
#}

select
    document_id,
    line_item_id,
    segment_id,
    period_end,
    value,
    decimals,
    disagreeing_printings
from {{ ref('int_facts_merged') }}
where not printings_agree
