{#
    Every extracted figure with the line item and segment it reports, or the reason it has
    none. Three ways in, tried in order:
      1. wording: the figure's section, parent label and label match a row of
         seeds/line_item_map.csv (the most specific row wins);
      2. value: a figure no wording row covers (narrative sentences, damaged headers) that
         repeats, at its own precision, exactly one line item printed by a table of the
         same document for the same period and unit;
      3. anchor: a figure that describes another one ("up 7.3% YoY", "(JPY101,665 million
         for 1H20)") takes the line item and segment of the figure it describes.
#}

with

figures as (

    select * from {{ ref('stg_raw__figures') }}

),

line_item_map as (

    select * from {{ ref('line_item_map') }}

),

segment_map as (

    select * from {{ ref('segment_map') }}

),

line_items as (

    select * from {{ ref('line_items') }}

),

keyed as (

    select
        figures.*,
        {{ normalize_label('figures.item_label') }} as item_key,
        coalesce(
            {{ normalize_label("trim(regexp_extract(figures.label_path, '[^>]*$'))") }}, ''
        ) as parent_key,
        {{ normalize_label('figures.member') }} as member_key
    from figures

),

wording_candidates as (

    select
        keyed.figure_id,
        line_item_map.line_item_id,
        nullif(line_item_map.segment_id, '') as implied_segment_id,
        row_number() over (
            partition by keyed.figure_id
            order by
                (line_item_map.section_scope != '*') desc,
                (coalesce(line_item_map.parent_label, '') != '*') desc,
                length(line_item_map.label_pattern) desc
        ) as preference
    from keyed
    inner join line_item_map
        on
            (
                line_item_map.section_scope = keyed.section_kind
                -- a sentence's subject is too loose for the generic rows: "Gross profit was"
                -- may speak of one service line; narrative uses its own rows or the value
                or (line_item_map.section_scope = '*' and keyed.section_kind != 'narrative')
            )
            and (
                line_item_map.parent_label = '*'
                or coalesce(line_item_map.parent_label, '') = keyed.parent_key
            )
            and keyed.item_key like line_item_map.label_pattern

),

by_wording as (

    select * from wording_candidates
    where preference = 1

),

member_segments as (

    select
        keyed.figure_id,
        segment_map.segment_id,
        row_number() over (
            partition by keyed.figure_id
            order by (segment_map.section_scope != '*') desc
        ) as preference
    from keyed
    inner join segment_map
        on
            keyed.member_key = segment_map.member_label
            and (
                keyed.section_kind = segment_map.section_scope
                or segment_map.section_scope = '*'
            )

),

worded as (

    select
        keyed.*,
        by_wording.line_item_id as worded_line_item_id,
        coalesce(
            by_wording.implied_segment_id,
            member_segments.segment_id,
            case
                when keyed.member is not null
                    then 'member:' || regexp_replace(keyed.member_key, '[^a-z0-9]+', '_', 'g')
            end,
            'consolidated'
        ) as worded_segment_id
    from keyed
    left join by_wording on keyed.figure_id = by_wording.figure_id
    left join member_segments
        on keyed.figure_id = member_segments.figure_id and member_segments.preference = 1

),

-- table figures mapped by wording, the pool that repeated figures are matched against
matchable as (

    select
        worded.figure_id,
        worded.document_id,
        worded.worded_line_item_id as line_item_id,
        worded.worded_segment_id as segment_id,
        worded.period_type,
        worded.period_start,
        worded.period_end,
        worded.unit,
        worded.measure,
        worded.value,
        worded.item_key
    from worded
    inner join line_items on worded.worded_line_item_id = line_items.line_item_id
    where
        worded.section_kind != 'narrative'
        and worded.measure in ('value', 'ratio')
        and worded.value is not null
        -- the equity-component view of a balance repeats the statement of financial position
        and line_items.statement != 'changes_in_equity'

),

value_pairs as (

    select
        worded.figure_id,
        matchable.line_item_id,
        matchable.segment_id,
        -- sentences print amounts without sign ("loss of JPY372 million"); a candidate of
        -- the same sign is the likelier one
        sign(matchable.value) = sign(worded.value) as sign_agrees,
        worded.item_key,
        matchable.item_key as matched_item_key,
        {{ round_to_decimals('abs(matchable.value)', 'worded.decimals') }} as rounded_value,
        abs(worded.value) as printed_value
    from worded
    inner join matchable
        on
            worded.document_id = matchable.document_id
            and worded.period_type = matchable.period_type
            and worded.period_end = matchable.period_end
            and coalesce(worded.period_start, date '1900-01-01')
            = coalesce(matchable.period_start, date '1900-01-01')
            and worded.unit = matchable.unit
            and worded.measure = matchable.measure
            and worded.figure_id != matchable.figure_id
    where
        worded.worded_line_item_id is null
        and worded.measure in ('value', 'ratio')
        and worded.value is not null

),

value_candidates as (

    select
        figure_id,
        line_item_id,
        segment_id,
        bool_or(sign_agrees) as sign_agrees,
        -- and one printed under the same words ("total assets", not the equal "total
        -- liabilities and equity"); counted here, on the pairs that match, not on them all
        max(
            len(list_intersect(string_split(item_key, ' '), string_split(matched_item_key, ' ')))
        ) as shared_words,
        count(*) as printings
    from value_pairs
    where rounded_value = printed_value
    group by figure_id, line_item_id, segment_id

),

-- When several line items share the value (total assets and total liabilities and equity;
-- total revenue and revenue from customers of a group without intersegment sales), prefer
-- one of the same sign, then one printed under more of the same words, then the one the
-- document prints most often; a tie stays unresolved.
ranked_value_candidates as (

    select
        *,
        rank() over (
            partition by figure_id order by sign_agrees desc, shared_words desc, printings desc
        ) as candidate_rank
    from value_candidates

),

by_value as (

    select
        figure_id,
        min(line_item_id) as line_item_id,
        min(segment_id) as segment_id,
        count(*) as candidate_count,
        string_agg(line_item_id || '/' || segment_id, ', ' order by line_item_id) as candidates
    from ranked_value_candidates
    where candidate_rank = 1
    group by figure_id

),

valued as (

    select
        worded.*,
        coalesce(worded.anchor_figure_id, worded.figure_id) as group_id,
        by_value.candidates as value_match_candidates,
        case
            when worded.worded_line_item_id is not null then worded.worded_line_item_id
            when by_value.candidate_count = 1 then by_value.line_item_id
        end as resolved_line_item_id,
        case
            when worded.worded_line_item_id is not null then worded.worded_segment_id
            when by_value.candidate_count = 1 then by_value.segment_id
        end as resolved_segment_id,
        case
            when worded.worded_line_item_id is not null then 'wording'
            when by_value.candidate_count = 1 then 'value_match'
        end as resolved_method
    from worded
    left join by_value on worded.figure_id = by_value.figure_id

),

-- A figure and those that describe it (its comparatives, changes and percentages) form a
-- group that speaks of one line item.
group_mappings as (

    select
        group_id,
        min(resolved_line_item_id) as line_item_id,
        min(resolved_segment_id) as segment_id,
        count(distinct resolved_line_item_id || '/' || resolved_segment_id) as mapping_count,
        bool_or(resolved_method = 'wording') as has_wording
    from valued
    where resolved_line_item_id is not null
    group by group_id

),

-- A group mapped only by value must agree with the tables in every period it prints:
-- "interest expenses of JPY272 million (JPY296 million for 1H20)" equals finance costs in
-- 1H21 by coincidence, but not in 1H20, so it is not finance costs.
group_conflicts as (

    select valued.group_id
    from valued
    inner join group_mappings
        on valued.group_id = group_mappings.group_id and group_mappings.mapping_count = 1
    inner join value_pairs on valued.figure_id = value_pairs.figure_id
    where
        not group_mappings.has_wording
        and value_pairs.line_item_id = group_mappings.line_item_id
        and value_pairs.segment_id = group_mappings.segment_id
    group by valued.group_id, valued.figure_id
    having not bool_or(value_pairs.rounded_value = value_pairs.printed_value)

),

conflicting_groups as (

    select distinct group_id from group_conflicts

),

resolved as (

    select
        valued.*,
        group_mappings.line_item_id as group_line_item_id,
        group_mappings.segment_id as group_segment_id,
        group_mappings.mapping_count as group_mapping_count,
        conflicting_groups.group_id is not null as has_group_conflict
    from valued
    left join group_mappings on valued.group_id = group_mappings.group_id
    left join conflicting_groups on valued.group_id = conflicting_groups.group_id

),

final as (

    select
        -- ids
        resolved.figure_id,
        resolved.document_id,
        resolved.anchor_figure_id,
        case
            when resolved.has_group_conflict then null
            when resolved.resolved_line_item_id is not null then resolved.resolved_line_item_id
            when resolved.group_mapping_count = 1 then resolved.group_line_item_id
        end as line_item_id,
        case
            when resolved.has_group_conflict then null
            when resolved.resolved_line_item_id is not null then resolved.resolved_segment_id
            when resolved.group_mapping_count = 1 then resolved.group_segment_id
        end as segment_id,

        -- strings
        resolved.section_kind,
        resolved.item_label,
        resolved.row_label,
        resolved.label_path,
        resolved.column_header,
        resolved.member,
        resolved.scenario,
        resolved.forecast_status,
        resolved.measure,
        resolved.unit,
        resolved.raw_text,
        resolved.flags,
        resolved.period_type,
        resolved.period_label,
        case
            when resolved.has_group_conflict then null
            when resolved.resolved_method is not null then resolved.resolved_method
            when resolved.group_mapping_count = 1 then 'group'
        end as mapping_method,
        case
            when resolved.has_group_conflict
                then
                    'its value matches ' || resolved.group_line_item_id || ' in one period '
                    || 'but not in another the same sentence prints; not the same line item'
            when
                resolved.resolved_line_item_id is not null
                or resolved.group_mapping_count = 1 then null
            when resolved.value is null
                then 'the printed cell is cut off (' || resolved.raw_text || '); no value to keep'
            when resolved.group_mapping_count > 1
                then 'the figures of its sentence map to different line items'
            when resolved.value_match_candidates is not null
                then 'the value matches several line items: ' || resolved.value_match_candidates
            else
                'no row of seeds/line_item_map.csv maps "' || resolved.item_key || '" under "'
                || resolved.parent_key || '" in ' || resolved.section_kind
                || ', and no table figure of the same period has its value'
        end as unmapped_reason,

        -- numerics: the printed value, and the value in the line item's sign convention
        resolved.value as printed_value,
        case
            -- the convention is about amounts; a change or a percentage keeps its direction
            when line_items.sign_rule = 'positive' and resolved.measure = 'value'
                then abs(resolved.value)
            else resolved.value
        end as value,
        resolved.decimals,
        resolved.scale,
        resolved.fiscal_year,

        -- dates
        resolved.period_start,
        resolved.period_end,
        resolved.forecast_announced_on,

        -- position in the document
        resolved.line_number,
        resolved.char_start,
        resolved.sequence

    from resolved
    left join line_items
        on
            case
                when resolved.resolved_line_item_id is not null
                    then resolved.resolved_line_item_id
                when resolved.group_mapping_count = 1 then resolved.group_line_item_id
            end = line_items.line_item_id

)

select * from final
