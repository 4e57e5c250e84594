"""Drug Policy Atlas: European drug-policy evidence, from Parquet extracts to a Streamlit dashboard."""
