{#
    The line items: the standard ones (seeds/line_items.csv), and each company's own
    (extensions, id 'ext:<company>:<parent label>/<label>'): a row a release prints that no
    row of seeds/line_item_map.csv maps, with its printed label and label path, the row it
    rolls up into, and the seeds/line_item_map.csv row (map_*) that would make it standard.
#}

with

line_items as (

    select * from {{ ref('line_items') }}

),

mapped as (

    select * from {{ ref('int_figures_mapped') }}

),

-- the documents still in the folder: a company's own line items and members that only
-- withdrawn documents printed leave with them
documents as (

    {{ documents_in_folder() }}

),

extension_figures as (

    select
        mapped.*,
        documents.published_on
    from mapped
    inner join documents on mapped.document_id = documents.document_id
    where mapped.mapping_method = 'extension' and mapped.line_item_id like 'ext:%'

),

-- each extension as its latest release printed it, on its amount (not a change or a percentage)
latest_printing as (

    select
        *,
        row_number() over (
            partition by line_item_id
            order by
                (measure = 'value') desc, published_on desc, document_id desc, sequence asc
        ) as recency
    from extension_figures

),

sections as (

    select
        line_item_id,
        case
            when count(distinct section_kind) = 1 then min(section_kind) else '*'
        end as map_section_scope
    from extension_figures
    group by line_item_id

),

extensions as (

    select
        latest_printing.line_item_id,
        latest_printing.company_id,
        latest_printing.item_label as label,
        latest_printing.label_path,
        latest_printing.parent_line_item_id as proposed_parent_line_item_id,
        -- the statement of the line it rolls up into, or of the section it is printed in
        coalesce(
            parent_items.statement,
            case
                when latest_printing.section_kind like 'profit_or_loss%' then 'profit_or_loss'
                -- the exchange summary's and highlights' results are income statement lines
                when
                    latest_printing.section_kind in (
                        'operating_results_summary', 'segment_results_summary', 'highlights',
                        'targets'
                    )
                    and latest_printing.unit_kind in ('monetary', 'per_share')
                    then 'profit_or_loss'
                when latest_printing.section_kind = 'financial_position_summary'
                    then 'financial_position'
                when latest_printing.section_kind like 'comprehensive_income%'
                    then 'comprehensive_income'
                when latest_printing.section_kind like 'financial_position%'
                    then 'financial_position'
                when
                    latest_printing.section_kind
                    in ('cash_flows', 'changes_in_equity', 'dividends')
                    then latest_printing.section_kind
                when latest_printing.section_kind in ('per_share', 'share_counts')
                    then 'share_data'
                else 'operating'
            end
        ) as statement,  -- noqa: RF04
        case
            when latest_printing.measure in ('value', 'change') then latest_printing.period_type
            when latest_printing.period_type = 'duration' and latest_printing.period_start is null
                then 'instant'
            else latest_printing.period_type
        end as period_type,
        latest_printing.unit_kind,
        starts_with({{ normalize_label('latest_printing.item_label') }}, 'total')
            as is_total,
        sections.map_section_scope,
        latest_printing.map_parent_label,
        latest_printing.map_label_pattern
    from latest_printing
    inner join sections on latest_printing.line_item_id = sections.line_item_id
    left join line_items as parent_items
        on latest_printing.parent_line_item_id = parent_items.line_item_id
    where latest_printing.recency = 1

),

final as (

    select
        -- ids
        line_item_id,
        parent_line_item_id,
        cast(null as varchar) as company_id,

        -- strings
        label,
        statement,
        ifrs_concept,
        balance,
        sign_rule,
        period_type,
        unit_kind,
        description,
        cast(null as varchar) as label_path,
        cast(null as varchar) as map_section_scope,
        cast(null as varchar) as map_parent_label,
        cast(null as varchar) as map_label_pattern,

        -- numerics
        weight,
        presentation_order,

        -- booleans
        is_total,
        false as is_extension

    from line_items

    union all

    select
        extensions.line_item_id,
        -- a parent that is no line item of the warehouse (not published) is left out
        case
            when
                parent_extensions.line_item_id is not null
                or parent_items.line_item_id is not null
                then extensions.proposed_parent_line_item_id
        end as parent_line_item_id,
        extensions.company_id,
        extensions.label,
        extensions.statement,
        cast(null as varchar) as ifrs_concept,
        cast(null as varchar) as balance,
        'as_printed' as sign_rule,
        extensions.period_type,
        extensions.unit_kind,
        'The company''s own line, printed as "'
        || coalesce(nullif(extensions.label_path, '') || ' > ', '') || extensions.label
        || '"; no row of seeds/line_item_map.csv maps it to a standard line item.'
            as description,
        extensions.label_path,
        extensions.map_section_scope,
        extensions.map_parent_label,
        extensions.map_label_pattern,
        1 as weight,
        -- right after the standard row it rolls up into; after every standard row otherwise
        coalesce(parent_items.presentation_order, {{ var('extension_presentation_order') }}) + 1
            as presentation_order,
        extensions.is_total,
        true as is_extension
    from extensions
    left join extensions as parent_extensions
        on extensions.proposed_parent_line_item_id = parent_extensions.line_item_id
    left join line_items as parent_items
        on extensions.proposed_parent_line_item_id = parent_items.line_item_id

)

select * from final
