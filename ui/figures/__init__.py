"""Pure figure builders: data and translated labels in, plotly Figure out (no Streamlit)."""
