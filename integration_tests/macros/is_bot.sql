-- your_project/macros/is_bot.sql
{% macro default__is_bot(user_agent) %}
    ({{ user_agent }} is null or lower({{ user_agent }}) like '%bot%')
{% endmacro %}
