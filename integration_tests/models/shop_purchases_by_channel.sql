-- A model of the host reading the package's marts: purchases and sessions by channel.
with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

purchases as (

    select * from {{ ref('fct_goal_completions') }}
    where goal_id = 'order'

),

final as (

    select
        sessions.channel,
        count(*) as sessions,
        count(purchases.session_id) as purchasing_sessions
    from sessions
    left join purchases
        on sessions.session_id = purchases.session_id
    group by sessions.channel

)

select * from final
