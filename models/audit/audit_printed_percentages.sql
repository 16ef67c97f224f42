{#
    Each percentage a release prints (a YoY %, an equity ratio, a gross margin) against the
    one marts.fct_kpis computes from the facts it compares, with the tolerance the rounding
    of all three allows: half a unit of the printed percentage, plus what rounding the two
    inputs allows. The value is 100 * (a / b) or 100 * (a / b - 1), so an input off by u_a
    and u_b moves it by up to 100 * (u_a / |b| + |a| * u_b / b^2). Without the second term
    the bundled release fails: ATM gross profit of 534 and 470 million (printed in millions)
    gives 13.62 %, the release prints 13.5 %, and 534 and 470 are themselves within half a
    million of the amounts the company divided. The Great Expectations suite
    `kpi.printed_percent_agrees` reads it.
#}

with

kpis as (

    select
        *,
        string_split(input_fact_ids, ',') as input_fact_id_list
    from {{ ref('fct_kpis') }}
    where reported_value is not null

),

facts as (

    select * from {{ ref('fct_financial_facts') }}

),

-- a and b: the two amounts compared; the printed percentage is the last input
compared as (

    select
        kpis.kpi_id,
        kpis.document_id,
        kpis.period_id,
        kpis.segment_id,
        coalesce(kpis.line_item_id, a.line_item_id || ' / ' || b.line_item_id) as line_item_id,
        cast(kpis.value as double) as computed,
        cast(kpis.reported_value as double) as printed,
        cast(a.value as double) as a_value,
        cast(b.value as double) as b_value,
        power(10, -a.decimals) / 2 as a_rounding,
        power(10, -b.decimals) / 2 as b_rounding,
        power(10, -printed.decimals) / 2 as printed_rounding
    from kpis
    inner join facts as a on kpis.input_fact_id_list[1] = a.fact_id
    inner join facts as b on kpis.input_fact_id_list[2] = b.fact_id
    inner join facts as printed
        on kpis.input_fact_id_list[len(kpis.input_fact_id_list)] = printed.fact_id

),

toleranced as (

    select
        *,
        printed_rounding
        + 100 * (
            a_rounding / abs(b_value) + abs(a_value) * b_rounding / (b_value * b_value)
        ) as tolerance
    from compared
    where b_value != 0

),

final as (

    select
        -- ids
        kpi_id,
        document_id,
        period_id,
        segment_id,
        line_item_id,

        -- numerics
        printed,
        computed,
        computed - printed as difference,
        tolerance,
        abs(computed - printed) - tolerance as excess

    from toleranced

)

select * from final
