{#- Use the folder's schema name as it is (staging, intermediate, marts, rules), not
    "<target>_<custom>", so analysts read marts.dim_commune. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
