"""Shared Streamlit and Plotly plumbing: URL state, language, plot theme, the page frame."""
