{#- A pseudonymous, stable key for a person: a keyed SHA-256 of the national ID number.
    The key comes from SAPNHAP_PSEUDONYM_KEY; the default is for demo data only. Raw IDs
    and names never leave staging. -#}
{% macro person_key(national_id_column) -%}
    substr(sha256('{{ env_var("SAPNHAP_PSEUDONYM_KEY", "sapnhap-demo-key") }}' || '|' || {{ national_id_column }}), 1, 24)
{%- endmacro %}
