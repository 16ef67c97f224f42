select
    segment_id,
    parent_segment_id,
    coalesce(label, segment_id) as label,
    segment_type,
    coalesce(presentation_order, $1) as presentation_order
from marts.dim_segments
