{#
    The members of the segment axis: the curated ones from seeds/segments.csv, and any
    column header a release printed that no row of seeds/segment_map.csv maps yet (as
    'member:<header>', type 'unmapped'), so that every fact's segment resolves.
#}

with

segments as (

    select * from {{ ref('segments') }}

),

mapped as (

    select * from {{ ref('int_figures_mapped') }}

),

unmapped_members as (

    select
        segment_id,
        min(member) as label
    from mapped
    where segment_id like 'member:%'
    group by segment_id

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

        -- numerics
        presentation_order

    from segments

    union all

    select
        segment_id,
        'consolidated' as parent_segment_id,
        null as company_id,
        label,
        'unmapped' as segment_type,
        'A column header no row of seeds/segment_map.csv maps yet; add a row there.'
            as description,
        null as presentation_order
    from unmapped_members

)

select * from final
