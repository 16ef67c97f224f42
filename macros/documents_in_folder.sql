{#
    The rows of stg_raw__documents of the documents still in the disclosures folder: all but
    those withdrawn (int_documents_withdrawn: none of their file names is left). What the
    dimensions that read every document's figures (dim_line_items, dim_segments) read, so
    that a company's own line items and members that only withdrawn documents printed leave
    the warehouse with them, as their facts do.
#}
{% macro documents_in_folder() %}
    select all_documents.*
    from {{ ref('stg_raw__documents') }} as all_documents
    where all_documents.document_id not in (
        select withdrawn.document_id from {{ ref('int_documents_withdrawn') }} as withdrawn
    )
{% endmacro %}
