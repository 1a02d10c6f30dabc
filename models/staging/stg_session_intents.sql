{#- One row per intent rule (grain: rule_id), typed from the `session_intents` seed. -#}
with

rules as (

    select * from {{ ref('session_intents') }}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "lower(trim(intent))", "'|'", "coalesce(lower(trim(event_name)), '')", "'|'", "coalesce(trim(page_path_regex), '')"
        ])) }} as rule_id,
        lower(trim(intent)) as intent,
        cast({{ micro_conversions.safe_cast_number('priority') }} as {{ dbt.type_int() }}) as priority,
        nullif(lower(trim(event_name)), '') as event_name,
        nullif(trim(page_path_regex), '') as page_path_regex,
        coalesce(lower(trim(counts_toward_conversion_rate)) in ('true', 't', 'yes', 'y', '1'), false)
            as counts_toward_conversion_rate
    from rules

)

select * from final
