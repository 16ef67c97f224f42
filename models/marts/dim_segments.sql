{#
    The members of the segment axis: the curated ones from seeds/segments.csv, and each
    company's own members that releases print and no seed names (extensions, id
    'ext:<company>:...'): a column header no row of seeds/segment_map.csv maps, a row under
    a service line that no row of seeds/line_item_map.csv names, and a member of another
    company's seeds printed by this one ('ext:<company>:<seed segment id>'). Every fact's
    segment resolves here.
#}

with

segments as (

    select * from {{ ref('segments') }}

),

mapped as (

    select * from {{ ref('int_figures_mapped') }}

),

-- the documents still in the folder: a company's own line items and members that only
-- withdrawn documents printed leave with them
documents as (

    {{ documents_in_folder() }}

),

-- each company member as its latest release printed it
printed_members as (

    select
        mapped.segment_id,
        mapped.company_id,
        -- a column header, or a row printed under a member row
        case
            when
                mapped.member is not null
                and mapped.segment_id
                = 'ext:' || mapped.company_id || ':'
                || {{ extension_slug(normalize_label('mapped.member')) }}
                then mapped.member
            else mapped.item_label
        end as printed_label,
        mapped.parent_segment_id,
        mapped.section_kind,
        mapped.label_path,
        {{ normalize_label('mapped.item_label') }} as item_key,
        {{ normalize_label('mapped.member') }} as member_key,
        mapped.member is not null as is_column_member,
        row_number() over (
            partition by mapped.segment_id
            order by documents.published_on desc, mapped.document_id desc, mapped.sequence asc
        ) as recency
    from mapped
    inner join documents on mapped.document_id = documents.document_id
    where mapped.segment_id like 'ext:%'

),

company_members as (

    select
        printed_members.segment_id,
        printed_members.company_id,
        -- a member of another company's seeds keeps that member's label and kind
        seed.segment_id as seed_segment_id,
        coalesce(seed.label, printed_members.printed_label) as label,
        case
            when seed.segment_type in ('service_line', 'revenue_category')
                then seed.segment_type
        end as seed_segment_type,
        coalesce(
            printed_members.parent_segment_id,
            case
                when seed.parent_segment_id is not null and seed_parent.company_id is not null
                    then 'ext:' || printed_members.company_id || ':' || seed.parent_segment_id
                else seed.parent_segment_id
            end
        ) as proposed_parent_segment_id,
        printed_members.label_path,
        case
            when seed.segment_id is null and printed_members.is_column_member
                then printed_members.section_kind
        end as map_section_scope,
        case
            when seed.segment_id is null and printed_members.is_column_member
                then printed_members.member_key
        end as map_member_label,
        seed.presentation_order
    from printed_members
    left join segments as seed
        on
            printed_members.segment_id
            = 'ext:' || printed_members.company_id || ':' || seed.segment_id
    left join segments as seed_parent on seed.parent_segment_id = seed_parent.segment_id
    where printed_members.recency = 1

),

-- a parent that is not a member of the axis (not printed) is replaced by the consolidated entity
parented as (

    select
        company_members.*,
        case
            when
                parents.segment_id is not null
                or seed_parents.segment_id is not null
                then company_members.proposed_parent_segment_id
            else 'consolidated'
        end as parent_segment_id
    from company_members
    left join company_members as parents
        on company_members.proposed_parent_segment_id = parents.segment_id
    left join segments as seed_parents
        on company_members.proposed_parent_segment_id = seed_parents.segment_id

),

-- a printed row under a service line is a service line (two levels down)
typed as (

    select
        parented.*,
        coalesce(
            parented.seed_segment_type,
            parent.seed_segment_type,
            case
                when grandparent.seed_segment_type is not null and parent.seed_segment_id is null
                    then grandparent.seed_segment_type
            end,
            'extension'
        ) as segment_type
    from parented
    left join parented as parent on parented.parent_segment_id = parent.segment_id
    left join parented as grandparent on parent.parent_segment_id = grandparent.segment_id

),

final as (

    select
        -- ids
        segment_id,
        parent_segment_id,
        company_id,

        -- strings
        label,
        segment_type,
        description,
        cast(null as varchar) as label_path,
        cast(null as varchar) as map_section_scope,
        cast(null as varchar) as map_member_label,

        -- numerics
        presentation_order,

        -- booleans
        false as is_extension

    from segments

    union all

    select
        segment_id,
        parent_segment_id,
        company_id,
        label,
        segment_type,
        case
            when seed_segment_id is not null
                then
                    'The company''s own member of the kind of seeds/segments.csv '
                    || seed_segment_id || ' (a member of another company there).'
            else
                'A member the company''s release prints and no seed names; a row of '
                || 'seeds/segment_map.csv (or line_item_map.csv) makes it standard.'
        end as description,
        label_path,
        map_section_scope,
        map_member_label,
        presentation_order,
        true as is_extension
    from typed

)

select * from final
