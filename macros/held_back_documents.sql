{#
    The documents held back from publishing now, one row each: those quarantined, whose facts
    break an accounting identity or a range (int_check_failures), and those withdrawn, whose
    files have all left the disclosures folder (int_documents_withdrawn). int_facts_loaded
    loads them again while they are held back; int_facts_published leaves their facts out.
#}
{% macro held_back_documents() %}
    select document_id from {{ ref('int_check_failures') }}
    union
    select document_id from {{ ref('int_documents_withdrawn') }}
{% endmacro %}
