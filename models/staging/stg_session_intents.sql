{#- One row per intent rule (grain: rule_id), typed from the `session_intents` seed. -#}
with

rules as (

    select * from {{ micro_conversions.config_relation('session_intents') }}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "lower(trim(intent))", "'|'", "coalesce(lower(trim(event_name)), '')", "'|'", "coalesce(trim(page_path_regex), '')"
        ])) }} as rule_id,
        {{ micro_conversions.config_key('intent') }} as intent,
        {{ micro_conversions.config_number('priority', dbt.type_int()) }} as priority,
        {{ micro_conversions.config_key('event_name') }} as event_name,
        {{ micro_conversions.config_text('page_path_regex') }} as page_path_regex,
        {{ micro_conversions.config_boolean('counts_toward_conversion_rate', 'false') }} as counts_toward_conversion_rate
    from rules

)

select * from final
