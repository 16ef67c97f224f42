{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='document_id',
        on_schema_change='fail'
    )
}}

{#
    Every extracted figure with the line item and segment it reports, or the reason it is
    not published. Figures the warehouse cannot type (a unit not in seeds/units.csv, an
    unknown measure, scenario or period) are withheld first (`withheld_reason`); the others
    find their line item in these ways, tried in order:
      1. wording: the figure's section, parent label and label match a row of
         seeds/line_item_map.csv (the most specific row wins); a segment or service line
         the row implies counts only for its own company (seeds/segments.csv company_id):
         for any other company the printed row is a member of that company's own;
      2. position: a table row no wording row covers, printed below a row that is a member
         of an axis (a service line, a segment), is a member of the same line item: the
         company's own member ('ext:<company>:<parent>/<label>');
      3. value: a figure no wording row covers (narrative sentences, damaged headers) that
         repeats, at its own precision, exactly one line item printed by a table of the
         same document for the same period and unit;
      4. anchor: a figure that describes another one ("up 7.3% YoY", "(JPY101,665 million
         for 1H20)") takes the line item and segment of the figure it describes;
      5. extension: any other table figure is a fact of its company's own line item,
         'ext:<company>:<parent label>/<label>' (the whole label path where the same parent
         and label name two different rows of a document), its parent the row above it.
    Only sentences that none of these maps stay unpublished, with `unmapped_reason`.

    A change of a balance ("increased by JPY1,145 million", a YoY change column of a count)
    is a duration from the prior balance date to the balance date, as XBRL's
    IncreaseDecrease concepts are: it never shares a period with the balance itself.
#}

with

figures as (

    select * from {{ ref('stg_raw__figures') }}

),

-- Incremental by document, as int_facts_loaded: a run maps the documents (or parser
-- versions) it has not mapped yet, and leaves the other documents' rows as they are. Each
-- document's figures map on their own (every join and window below is within a document
-- or with a seed), so nothing but its own rows can change; a change of the seeds, models,
-- macros or vars rebuilds every document (--full-refresh, orchestration/project.py).
documents as (

    select all_documents.* from {{ ref('stg_raw__documents') }} as all_documents
    {% if is_incremental() %}
        where {{ not_processed_yet('all_documents') }}
    {% endif %}

),

units as (

    select * from {{ ref('units') }}

),

segments as (

    select * from {{ ref('segments') }}

),

line_item_map as (

    select
        *,
        -- most rows name a label exactly; a few are LIKE patterns ('%' or '_')
        regexp_matches(label_pattern, '[%_]') as is_pattern
    from {{ ref('line_item_map') }}

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
        documents.company_id,
        {{ normalize_label('figures.item_label') }} as item_key,
        figures.section_kind = 'narrative'
        and figures.flags like '%highlight_line%' as is_highlight_line,
        coalesce(
            {{ normalize_label("trim(regexp_extract(figures.label_path, '[^>]*$'))") }}, ''
        ) as parent_key,
        coalesce(
            nullif(figures.label_path, '') || ' > ' || figures.item_label, figures.item_label
        ) as full_path,
        {{ normalize_label('figures.member') }} as member_key,
        units.unit_kind,
        -- a figure the warehouse cannot type is withheld; its document publishes the rest
        case
            when units.unit is null
                then
                    'its unit "' || coalesce(figures.unit, '') || '" is not one the warehouse '
                    || 'knows (seeds/units.csv)'
            when figures.measure is null or figures.measure not in (
                {{ sql_list(var('measures')) }}
            ) then 'its measure "' || coalesce(figures.measure, '') || '" is not known'
            when
                figures.scenario is null
                or figures.scenario not in ({{ sql_list(var('scenarios')) }})
                then 'its scenario "' || coalesce(figures.scenario, '') || '" is not known'
            when figures.forecast_status not in ({{ sql_list(var('forecast_statuses')) }})
                then 'its forecast status "' || figures.forecast_status || '" is not known'
            when
                figures.period_end is null
                or figures.period_type is null
                or figures.period_type not in ({{ sql_list(var('period_types')) }})
                or (figures.period_type = 'duration' and figures.period_start is null)
                then 'it has no period the release makes clear'
        end as withheld_reason,
        case
            when units.unit is null then 'unknown_unit'
            when figures.measure is null or figures.measure not in (
                {{ sql_list(var('measures')) }}
            ) then 'unknown_measure'
            when
                figures.scenario is null
                or figures.scenario not in ({{ sql_list(var('scenarios')) }})
                then 'unknown_scenario'
            when figures.forecast_status not in ({{ sql_list(var('forecast_statuses')) }})
                then 'unknown_forecast_status'
            when
                figures.period_end is null
                or figures.period_type is null
                or figures.period_type not in ({{ sql_list(var('period_types')) }})
                or (figures.period_type = 'duration' and figures.period_start is null)
                then 'unknown_period'
        end as withheld_code
    from figures
    inner join documents on figures.document_id = documents.document_id
    left join units on figures.unit = units.unit

),

-- the labels of seeds/line_item_map.csv that a figure's label is: an exact label by a hash
-- join, the few patterns one by one
label_matches as (

    select
        keyed.figure_id,
        line_item_map.label_pattern
    from keyed
    inner join line_item_map
        on keyed.item_key = line_item_map.label_pattern and not line_item_map.is_pattern
    where keyed.withheld_reason is null

    union

    select
        keyed.figure_id,
        line_item_map.label_pattern
    from keyed
    inner join line_item_map
        on keyed.item_key like line_item_map.label_pattern and line_item_map.is_pattern
    where keyed.withheld_reason is null

),

wording_candidates as (

    select
        keyed.figure_id,
        line_item_map.line_item_id,
        nullif(line_item_map.segment_id, '') as implied_segment_id,
        -- a service line or segment of another company: the wording names the line item,
        -- but the member is this company's own
        coalesce(segments.company_id != keyed.company_id, false) as is_foreign_segment,
        row_number() over (
            partition by keyed.figure_id
            order by
                (line_item_map.section_scope != '*') desc,
                (coalesce(line_item_map.parent_label, '') != '*') desc,
                length(line_item_map.label_pattern) desc
        ) as preference
    from label_matches
    inner join keyed on label_matches.figure_id = keyed.figure_id
    inner join line_item_map
        on
            label_matches.label_pattern = line_item_map.label_pattern
            and (
                line_item_map.section_scope = keyed.section_kind
                -- a sentence's subject is too loose for the generic rows: "Gross profit was"
                -- may speak of one service line; narrative uses its own rows or the value,
                -- except a highlights line that is its subject and amounts alone ("Total
                -- revenues JPY53.0 billion up 5.2% YoY")
                or (
                    line_item_map.section_scope = '*'
                    and (keyed.section_kind != 'narrative' or keyed.is_highlight_line)
                )
            )
            and (
                line_item_map.parent_label = '*'
                or coalesce(line_item_map.parent_label, '') = keyed.parent_key
            )
    left join segments on nullif(line_item_map.segment_id, '') = segments.segment_id

),

by_wording as (

    select * from wording_candidates
    where preference = 1

),

member_segments as (

    select
        keyed.figure_id,
        segment_map.segment_id,
        coalesce(segments.company_id != keyed.company_id, false) as is_foreign_segment,
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
    left join segments on segment_map.segment_id = segments.segment_id

),

-- The row each table row rolls up into (same block, printed with the row's label path),
-- and whether that row is a member of an axis (its wording implies a segment or service
-- line, or no wording covers it): then a child's own member id names its parent too, so
-- "Others" under two service lines are two members.
parent_rows as (

    select
        keyed.figure_id,
        bool_or(
            parent_wording.implied_segment_id is not null or parent_wording.figure_id is null
        ) as parent_is_member
    from keyed
    inner join keyed as parent
        on
            keyed.document_id = parent.document_id
            and keyed.block_index = parent.block_index
            and keyed.label_path = parent.full_path
    left join by_wording as parent_wording on parent.figure_id = parent_wording.figure_id
    where keyed.section_kind != 'narrative' and keyed.label_path != ''
    group by keyed.figure_id

),

with_parents as (

    select
        keyed.*,
        coalesce(parent_rows.parent_is_member, false) as parent_is_member,
        -- the company's own member this printed row is when it sits under a member row
        'ext:' || keyed.company_id || ':' || {{ extension_slug('keyed.parent_key') }} || '/'
        || {{ extension_slug('keyed.item_key') }} as row_member_id
    from keyed
    left join parent_rows on keyed.figure_id = parent_rows.figure_id

),

worded as (

    select
        with_parents.*,
        by_wording.line_item_id as worded_line_item_id,
        -- a seed member of another company ("IIJ Mobile Services" wording printed by
        -- another company) is this company's own member of the same kind
        coalesce(
            case
                when by_wording.is_foreign_segment
                    then 'ext:' || with_parents.company_id || ':' || by_wording.implied_segment_id
                else by_wording.implied_segment_id
            end,
            case
                when member_segments.is_foreign_segment
                    then 'ext:' || with_parents.company_id || ':' || member_segments.segment_id
                else member_segments.segment_id
            end,
            -- a column header no row of seeds/segment_map.csv maps: a member of the company
            case
                when with_parents.member is not null
                    then
                        'ext:' || with_parents.company_id || ':'
                        || {{ extension_slug('with_parents.member_key') }}
            end,
            'consolidated'
        ) as worded_segment_id
    from with_parents
    left join by_wording on with_parents.figure_id = by_wording.figure_id
    left join member_segments
        on with_parents.figure_id = member_segments.figure_id and member_segments.preference = 1

),

-- A table row no wording covers, below a row that is a member of an axis (a service line
-- under "Total network services"), is a member of the same line item: the nearest such
-- ancestor printed in the same block with the same unit decides.
ancestors as (

    select
        worded.figure_id,
        ancestor.worded_line_item_id as line_item_id,
        row_number() over (
            partition by worded.figure_id order by length(ancestor.full_path) desc
        ) as nearness
    from worded
    inner join worded as ancestor
        on
            worded.document_id = ancestor.document_id
            and worded.block_index = ancestor.block_index
            and (
                worded.label_path = ancestor.full_path
                or starts_with(worded.label_path, ancestor.full_path || ' > ')
            )
            and (worded.unit = ancestor.unit or worded.measure in ('change_percent', 'ratio'))
    where
        worded.worded_line_item_id is null
        and worded.withheld_reason is null
        and worded.section_kind != 'narrative'
        and ancestor.worded_line_item_id is not null
        and ancestor.measure = 'value'

),

positioned as (

    select
        worded.*,
        case
            when ancestors.line_item_id is not null and worded.parent_is_member
                then ancestors.line_item_id
        end as positioned_line_item_id
    from worded
    left join ancestors on worded.figure_id = ancestors.figure_id and ancestors.nearness = 1

),

-- table figures mapped by wording, the pool that repeated figures are matched against
matchable as (

    select
        positioned.figure_id,
        positioned.document_id,
        coalesce(
            positioned.worded_line_item_id, positioned.positioned_line_item_id
        ) as line_item_id,
        case
            when positioned.worded_line_item_id is not null then positioned.worded_segment_id
            else positioned.row_member_id
        end as segment_id,
        positioned.period_type,
        positioned.period_start,
        positioned.period_end,
        positioned.unit,
        positioned.measure,
        positioned.value,
        positioned.item_key
    from positioned
    inner join line_items
        on
            coalesce(positioned.worded_line_item_id, positioned.positioned_line_item_id)
            = line_items.line_item_id
    where
        positioned.section_kind != 'narrative'
        and positioned.measure in ('value', 'ratio')
        and positioned.value is not null
        -- the equity-component view of a balance repeats the statement of financial position
        and line_items.statement != 'changes_in_equity'

),

value_pairs as (

    select
        positioned.figure_id,
        matchable.line_item_id,
        matchable.segment_id,
        -- sentences print amounts without sign ("loss of JPY372 million"); a candidate of
        -- the same sign is the likelier one
        sign(matchable.value) = sign(positioned.value) as sign_agrees,
        positioned.item_key,
        matchable.item_key as matched_item_key,
        {{ round_to_decimals('abs(matchable.value)', 'positioned.decimals') }} as rounded_value,
        abs(positioned.value) as printed_value
    from positioned
    inner join matchable
        on
            positioned.document_id = matchable.document_id
            and positioned.period_type = matchable.period_type
            and positioned.period_end = matchable.period_end
            and coalesce(positioned.period_start, date '1900-01-01')
            = coalesce(matchable.period_start, date '1900-01-01')
            and positioned.unit = matchable.unit
            and positioned.measure = matchable.measure
            and positioned.figure_id != matchable.figure_id
    where
        positioned.worded_line_item_id is null
        and positioned.positioned_line_item_id is null
        and positioned.withheld_reason is null
        and positioned.measure in ('value', 'ratio')
        and positioned.value is not null

),

-- The cells of one table row, one for each period, speak of one line item: a cell whose value
-- equals a line item's by coincidence ("Systems integration 453 579" under "Total gross
-- profit": 579 million, and depreciation of 578,876 thousand) is not that line item when the
-- row's cell of another period, for which the document prints that line item, does not equal it.
row_mates as (

    select
        cell.figure_id,
        mate.figure_id as mate_figure_id
    from positioned as cell
    inner join positioned as mate
        on
            cell.document_id = mate.document_id
            and cell.block_index = mate.block_index
            and cell.line_number = mate.line_number
            and cell.item_label = mate.item_label
            and coalesce(cell.member, '') = coalesce(mate.member, '')
            and cell.measure = mate.measure
            and (
                cell.period_end != mate.period_end
                or cell.period_start is distinct from mate.period_start
            )
    where
        cell.section_kind != 'narrative'
        and cell.worded_line_item_id is null
        and cell.positioned_line_item_id is null
        and mate.worded_line_item_id is null
        and mate.positioned_line_item_id is null

),

row_conflicts as (

    select
        row_mates.figure_id,
        value_pairs.line_item_id,
        value_pairs.segment_id
    from row_mates
    inner join value_pairs on row_mates.mate_figure_id = value_pairs.figure_id
    group by
        row_mates.figure_id,
        row_mates.mate_figure_id,
        value_pairs.line_item_id,
        value_pairs.segment_id
    having not bool_or(value_pairs.rounded_value = value_pairs.printed_value)

),

value_candidates as (

    select
        value_pairs.figure_id,
        value_pairs.line_item_id,
        value_pairs.segment_id,
        bool_or(value_pairs.sign_agrees) as sign_agrees,
        -- and one printed under the same words ("total assets", not the equal "total
        -- liabilities and equity"); counted here, on the pairs that match, not on them all
        max(
            len(
                list_intersect(
                    string_split(value_pairs.item_key, ' '),
                    string_split(value_pairs.matched_item_key, ' ')
                )
            )
        ) as shared_words,
        count(*) as printings
    from value_pairs
    left join row_conflicts
        on
            value_pairs.figure_id = row_conflicts.figure_id
            and value_pairs.line_item_id = row_conflicts.line_item_id
            and value_pairs.segment_id = row_conflicts.segment_id
    where
        value_pairs.rounded_value = value_pairs.printed_value
        and row_conflicts.figure_id is null
    group by value_pairs.figure_id, value_pairs.line_item_id, value_pairs.segment_id

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
        positioned.*,
        coalesce(positioned.anchor_figure_id, positioned.figure_id) as group_id,
        by_value.candidates as value_match_candidates,
        case
            when positioned.withheld_reason is not null then null
            when positioned.worded_line_item_id is not null then positioned.worded_line_item_id
            when positioned.positioned_line_item_id is not null
                then positioned.positioned_line_item_id
            when by_value.candidate_count = 1 then by_value.line_item_id
        end as resolved_line_item_id,
        case
            when positioned.withheld_reason is not null then null
            when positioned.worded_line_item_id is not null then positioned.worded_segment_id
            when positioned.positioned_line_item_id is not null then positioned.row_member_id
            when by_value.candidate_count = 1 then by_value.segment_id
        end as resolved_segment_id,
        case
            when positioned.withheld_reason is not null then null
            when positioned.worded_line_item_id is not null then 'wording'
            when positioned.positioned_line_item_id is not null then 'extension'
            when by_value.candidate_count = 1 then 'value_match'
        end as resolved_method
    from positioned
    left join by_value on positioned.figure_id = by_value.figure_id

),

-- A figure and those that describe it (its comparatives, changes and percentages) form a
-- group that speaks of one line item.
group_mappings as (

    select
        group_id,
        min(resolved_line_item_id) as line_item_id,
        min(resolved_segment_id) as segment_id,
        count(distinct resolved_line_item_id || '/' || resolved_segment_id) as mapping_count,
        bool_or(resolved_method in ('wording', 'extension')) as has_wording
    from valued
    where resolved_line_item_id is not null
    group by group_id

),

-- A group mapped only by value must agree with the tables in every period it prints:
-- "interest expenses of JPY272 million (JPY296 million for 1H20)" equals finance costs in
-- 1H21 by coincidence, but not in 1H20, so it is not finance costs.
value_only_members as (

    select
        valued.group_id,
        valued.figure_id,
        group_mappings.line_item_id,
        group_mappings.segment_id
    from valued
    inner join group_mappings on valued.group_id = group_mappings.group_id
    where group_mappings.mapping_count = 1 and not group_mappings.has_wording

),

-- the members of those groups, few, are matched against the value pairs, many: not every
-- figure against every pair (a thousand releases have 800,000 pairs)
group_conflicts as (

    select value_only_members.group_id
    from value_only_members
    inner join value_pairs
        on
            value_only_members.figure_id = value_pairs.figure_id
            and value_only_members.line_item_id = value_pairs.line_item_id
            and value_only_members.segment_id = value_pairs.segment_id
    group by value_only_members.group_id, value_only_members.figure_id
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

-- the standard mapping of each figure (wording, position, value or its group)
mapped_standard as (

    select
        resolved.*,
        case
            when resolved.has_group_conflict then null
            when resolved.resolved_line_item_id is not null then resolved.resolved_line_item_id
            when resolved.group_mapping_count = 1 then resolved.group_line_item_id
        end as standard_line_item_id,
        case
            when resolved.has_group_conflict then null
            when resolved.resolved_line_item_id is not null then resolved.resolved_segment_id
            when resolved.group_mapping_count = 1 then resolved.group_segment_id
        end as standard_segment_id,
        case
            when resolved.has_group_conflict then null
            when resolved.resolved_method is not null then resolved.resolved_method
            when resolved.group_mapping_count = 1 then 'group'
        end as standard_method
    from resolved

),

-- Every other figure is a fact of its company's own line item. Its id is stable across
-- the company's releases as long as their wording is: company, parent label and label (a
-- sentence's subject, for prose). The two ends of a range ("between $1.10 and $1.30") are
-- two line items, `.low` and `.high`, so that both are kept.
extension_candidates as (

    select
        figure_id,
        document_id,
        company_id,
        section_kind,
        label_path,
        full_path,
        measure,
        unit_kind,
        scenario,
        period_type,
        period_start,
        period_end,
        value,
        'ext:' || company_id || ':'
        || case
            when label_path != '' then {{ extension_slug('parent_key') }} || '/' else ''
        end
        || {{ extension_slug('item_key') }}
        || case
            when flags like '%range_low%' then '.low'
            when flags like '%range_high%' then '.high'
            else ''
        end as short_id
    from mapped_standard
    where
        standard_line_item_id is null
        and withheld_reason is null
        and value is not null
        -- a sentence's amount without a subject of its own describes the amount it
        -- follows ("up 5.2% YoY"): it takes that one's line item (anchored, below)
        and (
            section_kind != 'narrative'
            or (item_key != '' and (anchor_figure_id is null or flags like '%range_high%'))
        )

),

-- the same parent and label printed as two different rows of a document ("Other" under
-- two "Other" headings, a label printed as an amount and as a count): those take the
-- whole label path, so two printed rows never share one fact
extension_collisions as (

    select
        document_id,
        short_id
    from extension_candidates
    group by document_id, short_id
    having
        count(distinct label_path) > 1
        or count(distinct case when measure in ('value', 'change') then unit_kind end) > 1

),

extensions as (

    select
        extension_candidates.figure_id,
        case
            when extension_collisions.short_id is null then extension_candidates.short_id
            else
                'ext:' || extension_candidates.company_id || ':'
                -- every label of the path, each a slug, joined by '/'
                || trim(
                    regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                {{ normalize_label('extension_candidates.full_path') }},
                                '\s*>\s*', '/', 'g'
                            ),
                            '[^a-z0-9/]+', '_', 'g'
                        ),
                        '_?/_?', '/', 'g'
                    ),
                    '_'
                )
                || case
                    when extension_candidates.unit_kind in ('monetary', 'percent') then ''
                    else '.' || extension_candidates.unit_kind
                end
        end as line_item_id
    from extension_candidates
    left join extension_collisions
        on
            extension_candidates.document_id = extension_collisions.document_id
            and extension_candidates.short_id = extension_collisions.short_id

),

-- a change or comparative in a sentence whose subject is an extension of its own
anchored_extensions as (

    select
        mapped_standard.figure_id,
        extensions.line_item_id
    from mapped_standard
    inner join extensions on mapped_standard.anchor_figure_id = extensions.figure_id
    left join extensions as own on mapped_standard.figure_id = own.figure_id
    where
        mapped_standard.standard_line_item_id is null
        and mapped_standard.withheld_reason is null
        and mapped_standard.value is not null
        and own.figure_id is null

),

extended as (

    select * from extensions
    union all
    select * from anchored_extensions

),

-- a sentence's subject that names several amounts of one period ("2Q-end and annual
-- dividend per share of JPY10 and JPY29.75"): which amount is which is not printed, so
-- none of them becomes a fact; each keeps its reason
extended_prose as (

    select
        extended.figure_id,
        extended.line_item_id,
        mapped_standard.document_id,
        mapped_standard.measure,
        mapped_standard.scenario,
        mapped_standard.period_type,
        mapped_standard.period_start,
        mapped_standard.period_end,
        mapped_standard.value
    from extended
    inner join mapped_standard on extended.figure_id = mapped_standard.figure_id
    where mapped_standard.section_kind = 'narrative'

),

ambiguous_prose as (

    select candidates.figure_id
    from extended_prose as candidates
    inner join extended_prose as same_subject
        on
            candidates.document_id = same_subject.document_id
            and candidates.line_item_id = same_subject.line_item_id
            and candidates.measure = same_subject.measure
            and candidates.scenario = same_subject.scenario
            and candidates.period_type = same_subject.period_type
            and candidates.period_end = same_subject.period_end
            and candidates.period_start is not distinct from same_subject.period_start
            and candidates.value != same_subject.value
    group by candidates.figure_id

),

all_extensions as (

    select extended.*
    from extended
    left join ambiguous_prose on extended.figure_id = ambiguous_prose.figure_id
    where ambiguous_prose.figure_id is null

),

assigned as (

    select
        mapped_standard.*,
        coalesce(
            mapped_standard.standard_line_item_id, extensions.line_item_id
        ) as assigned_line_item_id,
        case
            when mapped_standard.standard_line_item_id is not null
                then mapped_standard.standard_segment_id
            when extensions.line_item_id is not null then mapped_standard.worded_segment_id
        end as assigned_segment_id,
        case
            when mapped_standard.standard_line_item_id is not null
                then mapped_standard.standard_method
            when extensions.line_item_id is not null then 'extension'
        end as assigned_method
    from mapped_standard
    left join all_extensions as extensions on mapped_standard.figure_id = extensions.figure_id

),

-- the line item of the row an extension line item rolls up into (standard or the
-- company's own), and the member a member row belongs to
parent_line_items as (

    select
        assigned.figure_id,
        min(
            case
                when
                    assigned.standard_line_item_id is null
                    and parent.assigned_line_item_id != assigned.assigned_line_item_id
                    then parent.assigned_line_item_id
            end
        ) as parent_line_item_id,
        min(
            case
                when
                    assigned.positioned_line_item_id is not null
                    and parent.assigned_line_item_id = assigned.assigned_line_item_id
                    then parent.assigned_segment_id
            end
        ) as parent_segment_id
    from assigned
    inner join assigned as parent
        on
            assigned.document_id = parent.document_id
            and assigned.block_index = parent.block_index
            and assigned.label_path = parent.full_path
            and parent.assigned_line_item_id is not null
    where assigned.assigned_method = 'extension' and assigned.label_path != ''
    group by assigned.figure_id

),

-- A change of a balance runs from the prior balance date to the balance date: the
-- earlier instant its row prints, or else the latest earlier balance date its document prints.
balance_changes as (

    select * from assigned
    where measure in ('change', 'change_percent') and period_type = 'instant'

),

prior_in_row as (

    select
        balance_changes.figure_id,
        max(earlier.period_end) as prior_balance_date
    from balance_changes
    inner join assigned as earlier
        on
            balance_changes.document_id = earlier.document_id
            and balance_changes.block_index = earlier.block_index
            and balance_changes.label_path = earlier.label_path
            and balance_changes.item_label = earlier.item_label
            and coalesce(balance_changes.member, '') = coalesce(earlier.member, '')
            and earlier.measure = 'value'
            and earlier.period_type = 'instant'
            and balance_changes.period_end > earlier.period_end
    where balance_changes.section_kind != 'narrative'
    group by balance_changes.figure_id

),

prior_in_document as (

    select
        balance_changes.figure_id,
        max(earlier.period_end) as prior_balance_date
    from balance_changes
    inner join assigned as earlier
        on
            balance_changes.document_id = earlier.document_id
            and earlier.section_kind != 'narrative'
            and earlier.measure = 'value'
            and earlier.period_type = 'instant'
            and balance_changes.period_end > earlier.period_end
    group by balance_changes.figure_id

),

dated as (

    select
        assigned.*,
        coalesce(
            prior_in_row.prior_balance_date, prior_in_document.prior_balance_date
        ) as prior_balance_date,
        assigned.measure in ('change', 'change_percent')
        and assigned.period_type = 'instant' as is_balance_change,
        parent_line_items.parent_line_item_id,
        parent_line_items.parent_segment_id,
        ambiguous_prose.figure_id is not null as is_ambiguous_prose,
        -- an amount of a line item in a unit of another kind ("revenue ... 21%" read as
        -- revenue): what the number measures is not that line item
        assigned.measure = 'value'
        and assigned_items.unit_kind != assigned.unit_kind as is_unit_mismatch,
        assigned_items.unit_kind as line_item_unit_kind
    from assigned
    left join line_items as assigned_items
        on assigned.assigned_line_item_id = assigned_items.line_item_id
    left join prior_in_row on assigned.figure_id = prior_in_row.figure_id
    left join prior_in_document on assigned.figure_id = prior_in_document.figure_id
    left join parent_line_items on assigned.figure_id = parent_line_items.figure_id
    left join ambiguous_prose on assigned.figure_id = ambiguous_prose.figure_id

),

checked as (

    select
        *,
        coalesce(
            withheld_reason,
            case
                when
                    is_balance_change
                    and prior_balance_date is null
                    and assigned_line_item_id is not null
                    then 'a change of a balance, and its document prints no earlier balance date'
                when is_unit_mismatch
                    then
                        'its wording names ' || assigned_line_item_id || ', an amount in '
                        || line_item_unit_kind || ' units, but it is printed in ' || unit
                        || '; what it measures is not that line item'
            end
        ) as final_withheld_reason,
        coalesce(
            withheld_code,
            case
                when
                    is_balance_change
                    and prior_balance_date is null
                    and assigned_line_item_id is not null
                    then 'no_prior_balance_date'
                when is_unit_mismatch then 'unit_mismatch'
            end
        ) as final_withheld_code
    from dated

),

final as (

    select
        -- ids
        checked.figure_id,
        checked.document_id,
        checked.company_id,
        documents.parser_version,
        checked.anchor_figure_id,
        case
            when checked.final_withheld_reason is null then checked.assigned_line_item_id
        end as line_item_id,
        case
            when checked.final_withheld_reason is null then checked.assigned_segment_id
        end as segment_id,
        checked.parent_line_item_id,
        checked.parent_segment_id,

        -- strings
        checked.section_kind,
        checked.item_label,
        checked.row_label,
        checked.label_path,
        checked.column_header,
        checked.member,
        checked.scenario,
        checked.forecast_status,
        checked.measure,
        checked.unit,
        checked.unit_kind,
        checked.raw_text,
        checked.flags,
        case when checked.is_balance_change then 'duration' else checked.period_type end
            as period_type,
        checked.period_label,
        case
            when checked.final_withheld_reason is null then checked.assigned_method
        end as mapping_method,
        checked.final_withheld_code as withheld_code,
        checked.final_withheld_reason as withheld_reason,
        case
            when checked.final_withheld_reason is not null then null
            when checked.assigned_line_item_id is not null then null
            when checked.has_group_conflict
                then
                    'its value matches ' || checked.group_line_item_id || ' in one period '
                    || 'but not in another the same sentence prints; not the same line item'
            when checked.value is null
                then 'the printed cell is cut off (' || checked.raw_text || '); no value to keep'
            when checked.group_mapping_count > 1
                then 'the figures of its sentence map to different line items'
            when checked.value_match_candidates is not null
                then 'the value matches several line items: ' || checked.value_match_candidates
            when checked.is_ambiguous_prose
                then
                    'its sentence names several amounts of "' || checked.item_key
                    || '" for the same period; which is which is not printed'
            else
                'no row of seeds/line_item_map.csv maps "' || checked.item_key || '" under "'
                || checked.parent_key || '" in ' || checked.section_kind
                || ', and no table figure of the same period has its value'
        end as unmapped_reason,
        -- the row of seeds/line_item_map.csv that would map the printed row to a standard
        -- line item, for figures published as the company's own
        case when checked.assigned_method = 'extension' then checked.section_kind end
            as map_section_scope,
        case when checked.assigned_method = 'extension' then checked.parent_key end
            as map_parent_label,
        case when checked.assigned_method = 'extension' then checked.item_key end
            as map_label_pattern,

        -- numerics: the printed value, and the value in the line item's sign convention
        checked.value as printed_value,
        case
            -- the convention is about amounts; a change or a percentage keeps its direction
            when line_items.sign_rule = 'positive' and checked.measure = 'value'
                then abs(checked.value)
            else checked.value
        end as value,
        checked.decimals,
        checked.scale,
        checked.fiscal_year,

        -- dates: a change of a balance runs from the day after the prior balance date
        case
            when checked.is_balance_change
                then cast({{ dbt.dateadd('day', 1, 'checked.prior_balance_date') }} as date)
            else checked.period_start
        end as period_start,
        checked.period_end,
        checked.forecast_announced_on,

        -- position in the document
        checked.block_index,
        checked.line_number,
        checked.char_start,
        checked.sequence

    from checked
    inner join documents on checked.document_id = documents.document_id
    left join line_items on checked.assigned_line_item_id = line_items.line_item_id

)

select * from final
