{#
    Whether the document of the row `alias` names is not yet in the incremental model being
    built ({{ this }}) as extracted by the same parser version: the filter of the models that
    are incremental by document (int_figures_mapped, int_facts_merged), which process the
    documents, or parser versions, they have not processed and leave the others' rows alone.
    `alias` needs the columns document_id and parser_version, as {{ this }} has them.
#}
{% macro not_processed_yet(alias) %}
    not exists (
        select 1
        from {{ this }} as processed
        where
            processed.document_id = {{ alias }}.document_id
            and processed.parser_version = {{ alias }}.parser_version
    )
{% endmacro %}
