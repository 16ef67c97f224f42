with

source as (

    select * from {{ source('raw', 'documents') }}

),

final as (

    select
        -- ids
        document_id,
        -- the issuer, keyed once here; every later model selects or joins this column
        {{ company_id('exchange', 'stock_code', 'company_name') }} as company_id,
        sha256,

        -- strings
        file_name,
        encoding,
        company_name,
        exchange,
        stock_code,
        title,
        fiscal_period,
        status,
        error_message,
        parser_version,
        currency,

        -- numerics
        size_bytes,
        line_count,
        fiscal_year,
        fiscal_year_end_month,
        fiscal_year_end_day,
        error_line,
        figure_count,
        token_count,
        ignored_token_count,
        unparsed_token_count,
        stock_split_ratio,

        -- dates
        published_on,
        period_start,
        period_end,
        stock_split_effective_on

    from source

)

select * from final
