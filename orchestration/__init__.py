"""Dagster orchestration of the warehouse: settings, raw loading, dbt, publishing."""
