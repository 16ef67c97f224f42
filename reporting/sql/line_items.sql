select
    line_item_id,
    coalesce(label, line_item_id) as label,
    statement,
    unit_kind,
    coalesce(presentation_order, $1) as presentation_order
from marts.dim_line_items
