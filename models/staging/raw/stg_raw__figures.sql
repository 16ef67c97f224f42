with

source as (

    select * from {{ source('raw', 'figures') }}

),

final as (

    select
        -- ids
        figure_id,
        document_id,
        anchor_figure_id,

        -- strings
        section_kind,
        block_title,
        row_label,
        item_label,
        label_path,
        column_header,
        member,
        period_type,
        period_label,
        scenario,
        forecast_status,
        measure,
        unit,
        raw_text,
        flags,

        -- lists: the strings above split into their parts
        string_split(label_path, ' > ') as label_path_parts,
        string_split(flags, ',') as flag_list,

        -- numerics
        value,
        scale,
        decimals,
        fiscal_year,

        -- dates
        period_start,
        period_end,
        forecast_announced_on,

        -- position in the document
        sequence,
        block_index,
        column_index,
        line_number,
        char_start,
        char_end

    from source

)

select * from final
