"""The Streamlit user interface: the only modules that import streamlit."""
